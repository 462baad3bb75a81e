import { describe, expect, it } from 'vitest';
import { isDcError, roundToFloat16 } from '@dc/core';

const isHalf = (v: number): boolean => roundToFloat16(v) === v;
import { compareOutputs } from './compare-outputs.js';
import { planPostTraining } from './plan-post-training.js';
import { DEFAULT_REFINEMENTS } from './options.js';
import { compressTensor } from './tensor-candidates.js';
import { tinyMlp } from './tiny-mlp.test-support.js';

/** The index of the largest of `width` values from `start`. */
function argmaxAt(values: Float32Array, start: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (values[start + c] > values[start + best]) best = c;
  return best;
}

describe('planPostTraining', () => {
  const model = tinyMlp();
  const options = { tensors: model.tensors, calibration: model.batches, run: model.run };

  it('compresses within the default budget, verified: re-running its allocation gives the same fidelity', async () => {
    const plan = await planPostTraining(options);
    expect(plan.kinds).toEqual(['classifier', 'regression']);
    expect(plan.fidelity.withinBudget).toBe(true);
    expect(plan.fidelity.outputs[0].top1Agreement).toBeGreaterThanOrEqual(0.99);
    expect(plan.fidelity.outputs[1].relativeError).toBeLessThanOrEqual(0.02);
    expect(plan.predictedBytes).toBeLessThan(plan.float32Bytes / 1.5);
    // The reported fidelity is what the allocation does, measured again from scratch.
    const weights = new Map(model.tensors.map((t) => [t.name, compressTensor(t.values, plan.allocation[t.name].sparsity, plan.allocation[t.name].bits).values]));
    const again = compareOutputs(model.batches.map((b) => model.run(new Map(), b)), model.batches.map((b) => model.run(weights, b)), plan.kinds, plan.budget);
    expect(again).toEqual(plan.fidelity);
    // Reference: one run per batch; probes: 2 per tensor on 1 batch; verifications: 2 runs each.
    expect(plan.evaluations.reference).toBe(2);
    expect(plan.evaluations.sensitivity).toBe(6);
    expect(plan.evaluations.verification % 2).toBe(0);
    expect(plan.evaluations.verification).toBeLessThanOrEqual(16);
    expect(plan.evaluations.total).toBe(8 + plan.evaluations.verification);
    // The reasons count what was run, in whole bytes.
    expect(plan.reasons[1]).toBe(`3 tensors, 3 probed one at a time on 1 calibration batch; ${plan.evaluations.verification / 2} allocations verified on both`);
    expect(plan.reasons[2]).toContain(`: ${Math.round(plan.predictedBytes).toLocaleString('en')} predicted bytes of `);
    expect(plan.reasons[2]).not.toMatch(/\d\.\d+ predicted bytes/);
  });

  it('says when no probe moved a judged output (a first batch that does not exercise the model), and not otherwise', async () => {
    // All-zero inputs: every hidden unit is 0 whatever the kernels, so the probes on the first batch see nothing.
    const blind = await planPostTraining({ ...options, calibration: [new Float32Array(8 * 16), model.batches[1]] });
    expect(blind.sensitivity.every((t) => t.pruneGain === 0 && t.quantizeGain === 0)).toBe(true);
    expect(blind.reasons.filter((r) => r.startsWith('no probe moved'))).toEqual([expect.stringMatching(/^no probe moved a judged output: on the first calibration batch .* put first among the calibration inputs ones where the model sees what it is for/)]);
    expect((await planPostTraining(options)).reasons.filter((r) => r.startsWith('no probe moved'))).toEqual([]);
  });

  it('holds a classifier judged on fewer calibration samples than its top-1 agreement can resolve (100 at 99%) to its probabilities too, says so, and only then', async () => {
    const plan = await planPostTraining(options);
    const notes = plan.reasons.filter((r) => r.startsWith('output 0 (classifier)'));
    expect(notes).toEqual([
      `output 0 (classifier): top-1 agreement judged on 16 calibration sample(s), each 6.3% of it; a 99% agreement is measured on 100 or more: with fewer, its class probabilities are held to ±0.02 too (largest change ${plan.fidelity.outputs[0].scoreChange!.toFixed(4)}), so that inputs whose top two classes are close keep theirs (give more calibration inputs to judge top-1 alone)`,
    ]);
    expect(plan.fidelity.outputs[0].scoreChange).toBeLessThanOrEqual(0.02);
    // At a budget of 0.5 (top-1 agreement ≥ 75%), 4 samples resolve it: 16 are enough.
    const loose = await planPostTraining({ ...options, maxOutputDrift: 0.5 });
    expect(loose.reasons.filter((r) => r.startsWith('output 0 (classifier)'))).toEqual([]);
  });

  it("compresses a tensor given its own compress with it, in every probe and verification; the others with the options'", async () => {
    // The hidden kernel's own compression negates every value it keeps: what the runs see must be negated.
    const own = (v: Float32Array, s: number, b: number | null, f = {}) => {
      const c = compressTensor(v, s, b, f);
      return { ...c, values: c.values.map((x) => -x) };
    };
    const seen: Float32Array[] = [];
    const run = (w: ReadonlyMap<string, Float32Array>, x: Float32Array) => {
      const h = w.get('hidden/kernel');
      if (h) seen.push(h);
      return model.run(w, x);
    };
    const tensors = [{ ...model.tensors[0], compress: own }, ...model.tensors.slice(1)];
    const plan = await planPostTraining({ ...options, tensors, run, maxRefinements: 0 });
    expect(seen.length).toBeGreaterThan(0);
    const hidden = model.tensors[0].values;
    // Every hidden kernel a run saw was negated (anti-aligned with the original), none as compressTensor gives it.
    for (const h of seen) expect(h.reduce((a, v, i) => a + v * hidden[i], 0)).toBeLessThan(0);
    expect(plan.allocation['classes/kernel']).toBeDefined();
  });

  it('starts from the cautious allocation (unpruned 8-bit codes) where it is smaller than the searched one and verified within budget, and says so either way', async () => {
    // As below: the search keeps the hidden kernel in 10-bit codes; 8-bit codes move no weight past the jump.
    const hidden = model.tensors[0].values;
    const jumpBeyond = (limit: number) => (w: ReadonlyMap<string, Float32Array>, x: Float32Array) => {
      const [classes, boxes] = model.run(w, x);
      const h = w.get('hidden/kernel');
      return [classes, h !== undefined && h.some((v, i) => Math.abs(v - hidden[i]) > limit) ? { ...boxes, values: boxes.values.map((v) => v + 1) } : boxes];
    };
    const setup = { ...options, run: jumpBeyond(0.02), maxVerifications: 1, maxRefinements: 0 };
    const searched = await planPostTraining({ ...setup, cautiousStart: false });
    const cautious = await planPostTraining(setup);
    expect(searched.allocation['hidden/kernel'].bits).toBe(10);
    expect(Object.values(cautious.allocation).map((a) => [a.sparsity, a.bits])).toEqual([[0, 8], [0, 8], [0, 8]]);
    expect(cautious.predictedBytes).toBeLessThan(searched.predictedBytes);
    expect(cautious.fidelity.withinBudget).toBe(true);
    // One more verification of the 2 batches.
    expect(cautious.evaluations.verification - searched.evaluations.verification).toBe(2);
    expect(cautious.reasons.at(-1)).toMatch(/^the cautious allocation \(every tensor unpruned, in 8-bit codes, finer ones where no less precise and smaller, or lossless where smaller still: [\d,]+ predicted bytes, fewer than the search's [\d,]+\) verified within budget \(worst error [\d.]+\): refined from it$/);
    // Where any move of a hidden weight beyond 0.001 makes the boxes jump, 8-bit codes do too: the search's allocation stays.
    const strict = await planPostTraining({ ...setup, run: jumpBeyond(0.001) });
    expect(strict.fidelity.withinBudget).toBe(true);
    expect(strict.reasons.some((r) => /^the cautious allocation .* verified over budget \(worst error [\d.]+\): kept the search's$/.test(r))).toBe(true);
    expect(strict.allocation['hidden/kernel'].bits === 8 && strict.allocation['hidden/kernel'].sparsity === 0).toBe(false);
  });

  it('refines the searched allocation by verified one-tensor steps, each within the margin of the budget', async () => {
    // The boxes jump when a hidden weight moves by more than 0.02: the 4-bit probe sees the jump, so
    // the search prices the hidden layer as if every error made it. With one verification it keeps
    // the first allocation it measured (10-bit hidden codes); measured one step at a time, the hidden
    // kernel takes 8-bit codes within the margin: they move no weight that far.
    const hidden = model.tensors[0].values;
    const run = (w: ReadonlyMap<string, Float32Array>, x: Float32Array) => {
      const [classes, boxes] = model.run(w, x);
      const h = w.get('hidden/kernel');
      const jumps = h !== undefined && h.some((v, i) => Math.abs(v - hidden[i]) > 0.02);
      return [classes, jumps ? { ...boxes, values: boxes.values.map((v) => v + 1) } : boxes];
    };
    // Without the cautious start, which would take the hidden kernel to 8-bit codes before any step (next test).
    const setup = { ...options, run, maxVerifications: 1, refineMargin: 0.95, cautiousStart: false };
    const searched = await planPostTraining({ ...setup, maxRefinements: 0 });
    const refined = await planPostTraining(setup);
    expect(refined.predictedBytes).toBeLessThan(searched.predictedBytes);
    expect(refined.fidelity.withinBudget).toBe(true);
    expect(refined.fidelity.outputs[0].scoreChange).toBeLessThanOrEqual(0.95 * 0.02);
    expect(refined.fidelity.outputs[1].relativeError).toBeLessThanOrEqual(0.95 * 0.02);
    expect(searched.allocation['hidden/kernel'].bits).toBe(10);
    expect(refined.allocation['hidden/kernel'].bits).toBe(8);
    const moved = compressTensor(hidden, 0, 8).values.reduce((a, v, i) => Math.max(a, Math.abs(v - hidden[i])), 0);
    expect(moved).toBeLessThanOrEqual(0.02);
    // At most DEFAULT_REFINEMENTS (16) more verifications of 2 batches each.
    expect(refined.evaluations.verification - searched.evaluations.verification).toBeGreaterThan(0);
    expect(refined.evaluations.verification - searched.evaluations.verification).toBeLessThanOrEqual(DEFAULT_REFINEMENTS * 2);
    expect(refined.reasons.at(-1)).toMatch(/^refined by [1-9]\d* of \d+ verified one-tensor steps, each within the margin/);
    // The searched allocation measures 0.0165 on the boxes: within a quarter of the budget no step fits.
    expect(searched.fidelity.outputs[1].relativeError).toBeGreaterThan(0.25 * 0.02);
    const tight = await planPostTraining({ ...setup, refineMargin: 0.25 });
    expect(tight.predictedBytes).toBe(searched.predictedBytes);
    expect(tight.reasons.at(-1)).toMatch(/^refined by 0 of \d+ verified one-tensor steps/);
    await expect(planPostTraining({ ...options, refineMargin: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('refineMargin') });
    await expect(planPostTraining({ ...options, maxRefinements: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('maxRefinements') });
  });

  it('with jittered calibration, leaves out the samples whose top-1 the original itself changes, and reports its drift', async () => {
    // Jitter large enough that some of the 16 samples' top-1 flip in the original itself.
    const jitteredCalibration = model.batches.map((b, k) => b.map((v, i) => v + 0.4 * Math.sin(7 * i + k)));
    const plan = await planPostTraining({ ...options, jitteredCalibration });
    const reference = model.batches.map((b) => model.run(new Map(), b));
    const jittered = jitteredCalibration.map((b) => model.run(new Map(), b));
    expect(plan.jitterFidelity).toEqual(compareOutputs(reference, jittered, plan.kinds, plan.budget));
    const flipped = plan.jitterFidelity!.outputs[0].top1Agreement!;
    expect(flipped).toBeLessThan(1);
    expect(plan.fidelity.outputs[0].unjudged).toBe(Math.round(16 * (1 - flipped)));
    expect(plan.fidelity.withinBudget).toBe(true);
    expect(plan.evaluations.reference).toBe(4);
    // A classifier and a regression: only the classifier's samples can be left out (a relative error keeps every value).
    expect(plan.reasons[1]).toMatch(/^the original on the calibration jittered by one grey level: worst error [0-9.]+; (1 entry|\d+ entries) it changes beyond the budget \(samples\) (is|are) not judged$/);
    expect((await planPostTraining(options)).jitterFidelity).toBeNull();
    await expect(planPostTraining({ ...options, jitteredCalibration: jitteredCalibration.slice(1) })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('jitteredCalibration') });
    // Two draws: a sample is left out when either flips it; the drift is pooled over both.
    const second = model.batches.map((b, k) => b.map((v, i) => v + 0.4 * Math.cos(5 * i + k)));
    const both = await planPostTraining({ ...options, jitteredCalibration: [...jitteredCalibration, ...second] });
    const flips = (j: Float32Array[]) => model.batches.flatMap((b, k) => {
      const [r, x] = [model.run(new Map(), b)[0], model.run(new Map(), j[k])[0]];
      const width = r.shape[1];
      return Array.from({ length: r.shape[0] }, (_, s) => argmaxAt(r.values, s * width, width) !== argmaxAt(x.values, s * width, width));
    });
    const [one, two] = [flips(jitteredCalibration), flips(second)];
    expect(both.fidelity.outputs[0].unjudged).toBe(one.filter((f, i) => f || two[i]).length);
    expect(both.fidelity.outputs[0].unjudged).toBeGreaterThan(plan.fidelity.outputs[0].unjudged!);
    expect(both.evaluations.reference).toBe(6);
    expect(both.jitterFidelity).toEqual(compareOutputs([...reference, ...reference], [...jittered, ...second.map((b) => model.run(new Map(), b))], both.kinds, both.budget));
  });

  it('spends more bytes under a tighter budget, and keeps everything float when nothing fits', async () => {
    const loose = await planPostTraining(options);
    const tight = await planPostTraining({ ...options, maxOutputDrift: 0.002 });
    expect(tight.fidelity.outputs[1].relativeError).toBeLessThanOrEqual(0.002);
    expect(tight.predictedBytes).toBeGreaterThan(loose.predictedBytes);
    const none = await planPostTraining({ ...options, maxOutputDrift: 1e-9, bitLevels: [2], fineBitLevels: [], sparsityLevels: [0.5], maxVerifications: 2 });
    expect(Object.values(none.allocation).every((a) => a.bits === null && a.sparsity === 0)).toBe(true);
    expect(none.fidelity.outputs[1].relativeError).toBe(0);
  });

  it('probes only the largest tensors when told, the rest get the highest gain measured', async () => {
    const plan = await planPostTraining({ ...options, maxProbedTensors: 1 });
    expect(plan.evaluations.sensitivity).toBe(2);
    const [big, ...rest] = plan.sensitivity;
    expect(big).toMatchObject({ name: 'hidden/kernel', measured: true });
    for (const s of rest) expect(s).toMatchObject({ measured: false, pruneGain: big.pruneGain, quantizeGain: big.quantizeGain, scaledQuantizeGain: big.quantizeGain });
    expect(plan.fidelity.withinBudget).toBe(true);
  });

  it('with channels, tries per-channel-scaled candidates and picks them where they are cheaper at the price (a folded kernel)', async () => {
    const folded = tinyMlp(7, true);
    const base = { calibration: folded.batches, run: folded.run };
    const plain = await planPostTraining({ ...base, tensors: folded.tensors });
    const scaled = await planPostTraining({ ...base, tensors: folded.tensors.map((t) => ({ ...t, channels: t.shape[1] })) });
    expect(plain.fidelity.withinBudget && scaled.fidelity.withinBudget).toBe(true);
    expect(scaled.allocation['hidden/kernel']).toMatchObject({ channels: 48 });
    // Probes: pruned, clustered, clustered with scales, for each of the 3 tensors on 1 batch.
    expect(scaled.evaluations.sensitivity).toBe(9);
    const hidden = scaled.sensitivity.find((s) => s.name === 'hidden/kernel')!;
    expect(hidden.scaledQuantizeGain).not.toBe(hidden.quantizeGain);
    expect(scaled.predictedBytes).toBeLessThan(plain.predictedBytes * 0.8);
    // The accepted fidelity is that of the scaled reconstruction, measured again from scratch.
    const a = scaled.allocation;
    const weights = new Map(folded.tensors.map((t) => [t.name, compressTensor(t.values, a[t.name].sparsity, a[t.name].bits, a[t.name]).values]));
    const again = compareOutputs(folded.batches.map((b) => folded.run(new Map(), b)), folded.batches.map((b) => folded.run(weights, b)), scaled.kinds, scaled.budget);
    expect(again).toEqual(scaled.fidelity);
  });

  it('with float16, a float32 tensor may be rounded to float16 (2 bytes per weight) where that is the cheaper choice', async () => {
    const strict = { ...options, maxOutputDrift: 0.001 };
    const plain = await planPostTraining(strict);
    const half = await planPostTraining({ ...strict, float16: true });
    expect(half.fidelity.withinBudget).toBe(true);
    const rounded = Object.entries(half.allocation).filter(([, a]) => a.float16);
    expect(rounded.length).toBeGreaterThan(0);
    expect(half.predictedBytes).toBeLessThan(plain.predictedBytes);
    const a = half.allocation;
    const weights = new Map(model.tensors.map((t) => [t.name, compressTensor(t.values, a[t.name].sparsity, a[t.name].bits, a[t.name]).values]));
    for (const [name] of rounded) expect(weights.get(name)!.every((v) => isHalf(v))).toBe(true);
    const again = compareOutputs(model.batches.map((b) => model.run(new Map(), b)), model.batches.map((b) => model.run(weights, b)), half.kinds, half.budget);
    expect(again).toEqual(half.fidelity);
  });

  it('when no coded allocation passes, tries every tensor rounded to float16 before keeping them all float32', async () => {
    // The probes run on an all-zero batch, where no weight changes any output: every gain is 0, so
    // the cheapest coded allocation is predicted free, and it fails on the other batch.
    const calibration = [new Float32Array(model.batches[0].length), model.batches[1]];
    // The search alone (refinement would add its own note after the float16 one).
    const plan = await planPostTraining({ ...options, calibration, maxVerifications: 3, float16: true, maxRefinements: 0 });
    expect(plan.fidelity.withinBudget).toBe(true);
    expect(Object.values(plan.allocation).every((a) => a.bits === null && a.sparsity === 0 && a.float16 === true)).toBe(true);
    expect(plan.predictedBytes).toBe(plan.float32Bytes / 2);
    expect(plan.reasons.at(-1)).toMatch(/rounded to float16.*within budget/);
  });

  it('judges a presence flag near zero by how far it moves, not by its relative error', async () => {
    // A third output: sigmoid(4 × mean of the regression head − 9), at most 0.0015 on these samples.
    const run = (w: ReadonlyMap<string, Float32Array>, x: Float32Array) => {
      const [classes, boxes] = model.run(w, x);
      const n = boxes.shape[0];
      const flag = Float32Array.from({ length: n }, (_, s) => 1 / (1 + Math.exp(9 - (4 * (boxes.values[3 * s] + boxes.values[3 * s + 1] + boxes.values[3 * s + 2])) / 3)));
      return [classes, boxes, { shape: [n, 1], values: flag }];
    };
    const detected = await planPostTraining({ ...options, run });
    expect(detected.kinds).toEqual(['classifier', 'regression', 'score']);
    expect(detected.fidelity.withinBudget).toBe(true);
    const flag = detected.fidelity.outputs[2];
    expect(flag.scoreChange).toBeLessThanOrEqual(0.02);
    // The same flag judged as a regression: its relative error binds, so the plan keeps more bytes.
    const relative = await planPostTraining({ ...options, run, outputKinds: ['classifier', 'regression', 'regression'] });
    expect(relative.fidelity.outputs[2].relativeError).toBeLessThanOrEqual(0.02);
    expect(flag.relativeError).toBeGreaterThan(0.02);
    expect(detected.predictedBytes).toBeLessThan(relative.predictedBytes);
  });

  it('rejects bad options with INVALID_OPTION naming the option', async () => {
    const code = async (o: object) => planPostTraining({ ...options, ...o }).then(() => 'resolved', (e: unknown) => (isDcError(e) ? `${e.code} ${e.option}` : String(e)));
    expect(await code({ tensors: [] })).toBe('INVALID_OPTION tensors');
    expect(await code({ calibration: [] })).toBe('INVALID_OPTION calibration');
    expect(await code({ maxOutputDrift: 0 })).toBe('INVALID_OPTION maxOutputDrift');
    expect(await code({ outputKinds: ['classifier'] })).toBe('INVALID_OPTION outputKinds');
    expect(await code({ tensors: [{ name: 'x', shape: [3], values: new Float32Array(2) }] })).toBe('INVALID_OPTION tensors');
    expect(await code({ tensors: [{ ...model.tensors[0], channels: 5 }] })).toBe('INVALID_OPTION tensors');
    expect(await code({ float16: 'yes' })).toBe('INVALID_OPTION float16');
    expect(await code({ bitLevels: [10] })).toBe('INVALID_OPTION bitLevels');
    expect(await code({ fineBitLevels: [8] })).toBe('INVALID_OPTION fineBitLevels');
    expect(await code({ fineBitLevels: [13] })).toBe('INVALID_OPTION fineBitLevels');
  });
});
