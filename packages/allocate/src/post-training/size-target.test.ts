import { describe, expect, it } from 'vitest';
import { isDcError } from '@dc/core';
import { compareOutputs } from './compare-outputs.js';
import { planPostTraining } from './plan-post-training.js';
import { compressTensor } from './tensor-candidates.js';
import { tinyMlp } from './tiny-mlp.test-support.js';

describe('planPostTraining with a size target', () => {
  const model = tinyMlp();
  const options = { tensors: model.tensors, calibration: model.batches, run: model.run };
  const float32 = model.tensors.reduce((a, t) => a + 4 * t.values.length, 0);

  it('plans the least predicted drift that fits the target, and reports its fidelity measured again from scratch', async () => {
    const loose = await planPostTraining({ ...options, targetBytes: Math.round(float32 / 3) });
    const tight = await planPostTraining({ ...options, targetBytes: Math.round(float32 / 8) });
    expect(loose.predictedBytes).toBeLessThanOrEqual(float32 / 3);
    expect(tight.predictedBytes).toBeLessThanOrEqual(float32 / 8);
    expect(tight.predictedBytes).toBeLessThan(loose.predictedBytes);
    for (const plan of [loose, tight]) {
      const weights = new Map(model.tensors.map((t) => [t.name, compressTensor(t.values, plan.allocation[t.name].sparsity, plan.allocation[t.name].bits).values]));
      const again = compareOutputs(model.batches.map((b) => model.run(new Map(), b)), model.batches.map((b) => model.run(weights, b)), plan.kinds, plan.budget);
      expect(again).toEqual(plan.fidelity);
    }
    // Fewer bytes, a larger measured error (the regression head's).
    expect(tight.fidelity.outputs[1].relativeError).toBeGreaterThan(loose.fidelity.outputs[1].relativeError);
    expect(tight.reasons.join('\n')).toMatch(/size target [\d,]+ B/);
    // One reference run and one verification per batch; no refinement.
    expect(tight.evaluations.verification).toBe(2);
  });

  it("fits the writer's bytes: the overhead it measures beside the planned tensors is taken off the target", async () => {
    // A writer whose files carry 300 bytes of header and code 10% above the prediction.
    const written: number[] = [];
    const fileBytes = (allocation: Record<string, { sparsity: number; bits: number | null }>) => {
      let bytes = 300;
      for (const t of model.tensors) {
        const a = allocation[t.name];
        const kept = Math.round((1 - a.sparsity) * t.values.length);
        bytes += a.bits === null ? 4 * kept + (a.sparsity > 0 ? t.values.length / 8 : 0) : (1.1 * kept * a.bits) / 8 + 4 * 2 ** a.bits;
      }
      written.push(Math.round(bytes));
      return Math.round(bytes);
    };
    const target = Math.round(float32 / 4);
    const plan = await planPostTraining({ ...options, targetBytes: target, fileBytes });
    const bytes = written.length;
    expect(fileBytes(plan.allocation)).toBeLessThanOrEqual(target);
    // The first plan takes the whole target and does not fit; the next leaves room for what that file took beyond its prediction.
    expect(written[0]).toBeGreaterThan(target);
    expect(bytes).toBeGreaterThan(1);
    expect(bytes).toBeLessThanOrEqual(4);
    expect(plan.reasons.join('\n')).toMatch(new RegExp(`size target ${target.toLocaleString('en')} B: price [^,]+ drift per byte, ${fileBytes(plan.allocation).toLocaleString('en')} B \\(the planned tensors predicted at [\\d,]+ B; ${bytes} written to fit\\)\n`));
  });

  it('a target no allocation reaches: the smallest there is, said to be over it', async () => {
    const plan = await planPostTraining({ ...options, targetBytes: 10 });
    expect(plan.predictedBytes).toBeGreaterThan(10);
    expect(plan.reasons.join('\n')).toMatch(/the smallest allocation the candidates allow, [\d,]+ B \(the planned tensors predicted at [\d,]+ B; 1 written to fit\), over the target/);
    const smaller = await planPostTraining({ ...options, targetBytes: Math.round(plan.predictedBytes) });
    expect(smaller.predictedBytes).toBeCloseTo(plan.predictedBytes, 6);
  });

  it('makes a tensor that tips the outputs over budget gentler and plans the target again, reporting what it measures', async () => {
    // The boxes jump when a hidden weight moves by more than 0.02 while the boxes' kernel is coded
    // too: the one-tensor probes never see it, the first allocation measures far over its prediction.
    const hidden = model.tensors[0].values;
    const run = (w: ReadonlyMap<string, Float32Array>, x: Float32Array) => {
      const [classes, boxes] = model.run(w, x);
      const h = w.get('hidden/kernel');
      const jumps = h !== undefined && w.has('boxes/kernel') && h.some((v, i) => Math.abs(v - hidden[i]) > 0.02);
      return [classes, jumps ? { ...boxes, values: boxes.values.map((v) => v + 1) } : boxes];
    };
    const target = Math.round(float32 / 4);
    const plan = await planPostTraining({ ...options, run, targetBytes: target });
    const reasons = plan.reasons.join('\n');
    expect(reasons).toMatch(/culprits? [^\n]*hidden\/kernel[^\n]*so tips the allocation over budget/);
    const measured = [...reasons.matchAll(/measured worst error ([\d.]+), (within|over) budget/g)];
    expect(measured.length).toBeGreaterThan(1);
    expect(measured[0][2]).toBe('over');
    // At this size the boxes still move over the budget, but no longer jump: the plan reports it.
    expect(Number(measured.at(-1)![1])).toBeLessThan(Number(measured[0][1]) / 4);
    expect(plan.fidelity.withinBudget).toBe(Number(measured.at(-1)![1]) <= 0.02);
    expect(plan.predictedBytes).toBeLessThanOrEqual(target);
  });

  it('fileBytes without targetBytes, or a target that is not a positive integer: INVALID_OPTION', async () => {
    for (const bad of [{ fileBytes: () => 1 }, { targetBytes: 0 }, { targetBytes: 12.5 }]) {
      const e = await planPostTraining({ ...options, ...bad }).catch((x: unknown) => x);
      expect(isDcError(e) && e.code === 'INVALID_OPTION').toBe(true);
    }
  });
});
