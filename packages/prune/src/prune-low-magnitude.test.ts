import { describe, expect, it } from 'vitest';
import { createPipeline, isDcError, listParams } from '@dc/core';
import type { Model } from '@dc/core';
import { tinyTextModel } from '@dc/core/testing';
import { pruneLowMagnitude } from './prune-low-magnitude.js';
import { countKept, stdThreshold } from './magnitude.js';
import { tinyConvNet, tinyMlp } from './test/models.js';
import { createFakeTrainer } from './test/fake-trainer.js';
import { testContext } from './test/context.js';

const kernel = (m: Model, layer: string) => m.layers.find((l) => l.name === layer)!.params.kernel!.values;
const bias = (m: Model, layer: string) => m.layers.find((l) => l.name === layer)!.params.bias!.values;
const zeros = (v: Float32Array) => v.filter((x) => Object.is(x, 0)).length;

async function rejection(p: Promise<unknown>): Promise<{ code: string; option?: string; tensor?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isDcError(e)) return e;
    throw e;
  }
  throw new Error('did not reject');
}

describe('pruneLowMagnitude', () => {
  it('prunes dense and conv kernels by default, not biases; masks match exact zeros', async () => {
    const model = tinyConvNet();
    const out = await pruneLowMagnitude({ sparsity: 0.5 }).apply({ model, artifacts: {} }, testContext());
    const masks = out.artifacts['prune/masks'];
    expect([...masks.keys()]).toEqual(['c1/kernel', 'out/kernel']);
    expect(zeros(kernel(out.model, 'c1'))).toBe(18); // 36 weights
    expect(zeros(kernel(out.model, 'out'))).toBe(360); // 720 weights
    for (const ref of listParams(out.model)) {
      const mask = masks.get(ref.key);
      if (!mask) continue;
      ref.tensor.values.forEach((v, i) => expect(mask[i] === 0 ? Object.is(v, 0) : v !== 0).toBe(true));
    }
    expect(bias(out.model, 'c1')).toEqual(bias(model, 'c1'));
    expect(out.metrics!.total).toEqual({ params: 756, kept: 378, keptFraction: 0.5 });
  });

  it('prunes an embedding table by default, as a kernel: the smallest entries of the whole table become exact zeros', async () => {
    const model = tinyTextModel();
    const { model: out, artifacts } = await createPipeline().use(pruneLowMagnitude({ sparsity: 0.75, evaluate: false })).run(model);
    expect([...artifacts['prune/masks']!.keys()]).toEqual(['embed/kernel', 'head/kernel']);
    expect(zeros(kernel(out, 'embed'))).toBe(300);
    const largest = Math.max(...Array.from(kernel(model, 'embed'), Math.abs).filter((_, i) => kernel(out, 'embed')[i] === 0));
    expect(Array.from(kernel(out, 'embed')).every((v) => v === 0 || Math.abs(v) >= largest)).toBe(true);
  });

  it('takes a tensor\'s own target from its parameter key, over its layer\'s and the default', async () => {
    const model = tinyTextModel();
    const run = (sparsity: Record<string, number>) => createPipeline().use(pruneLowMagnitude({ sparsity, evaluate: false })).run(model);
    const { model: out } = await run({ '*': 0.5, 'head/kernel': 0.9 });
    expect([zeros(kernel(out, 'embed')), zeros(kernel(out, 'head'))]).toEqual([200, Math.round(0.9 * 144)]);
    // A record naming one tensor prunes only that layer.
    const only = await run({ 'head/kernel': 0.25 });
    expect([zeros(kernel(only.model, 'embed')), zeros(kernel(only.model, 'head'))]).toEqual([0, 36]);
    const typo = await rejection(run({ 'head/kernal': 0.5 }));
    expect([typo.code, typo.option]).toEqual(['UNKNOWN_LAYER', 'sparsity.head/kernal']);
  });

  it('prunes biases when asked, and only the named layers', async () => {
    const out = await pruneLowMagnitude({ sparsity: 0.5, layers: ['d2'], pruneBiases: true }).apply({ model: tinyMlp(), artifacts: {} }, testContext());
    expect([...out.artifacts['prune/masks'].keys()]).toEqual(['d2/kernel', 'd2/bias']);
    expect(zeros(kernel(out.model, 'd1'))).toBe(0);
    expect(zeros(kernel(out.model, 'd2'))).toBe(9);
    expect(zeros(bias(out.model, 'd2'))).toBe(2); // round(1.5)
  });

  it('per-layer std rule: reports the threshold quality × std', async () => {
    const model = tinyMlp();
    const out = await pruneLowMagnitude({ quality: { d1: 1, d2: 0.5 } }).apply({ model, artifacts: {} }, testContext());
    const layers = (out.metrics!.layers as { tensor: string; threshold: number; kept: number }[]);
    expect(layers.map((l) => l.tensor)).toEqual(['d1/kernel', 'd2/kernel']);
    const t1 = stdThreshold({ values: kernel(model, 'd1') }, 1);
    expect(layers[0].threshold).toBe(t1);
    expect(layers[0].kept).toBe(kernel(model, 'd1').filter((v) => Math.abs(v) >= t1).length);
  });

  it('global sparsity uses one threshold over all layers', async () => {
    const model = tinyMlp();
    const out = await pruneLowMagnitude({ globalSparsity: 0.6 }).apply({ model, artifacts: {} }, testContext());
    const layers = out.metrics!.layers as { threshold: number }[];
    expect(layers[0].threshold).toBe(layers[1].threshold);
    expect((out.metrics!.total as { kept: number }).kept).toBe(66 - Math.round(0.6 * 66));
  });

  it('unknown layer names fail at apply time with UNKNOWN_LAYER naming the layer', async () => {
    const stage = pruneLowMagnitude({ layers: ['d1', 'nope'] });
    const e = await rejection(stage.apply({ model: tinyMlp(), artifacts: {} }, testContext()));
    expect(e).toMatchObject({ code: 'UNKNOWN_LAYER', tensor: 'nope', option: 'layers' });
    expect(e.message).toContain('"nope"');
    const e2 = await rejection(pruneLowMagnitude({ sparsity: { ip9: 0.5 } }).apply({ model: tinyMlp(), artifacts: {} }, testContext()));
    expect(e2).toMatchObject({ code: 'UNKNOWN_LAYER', tensor: 'ip9', option: 'sparsity.ip9' });
    const e3 = await rejection(pruneLowMagnitude({ layers: ['flat'] }).apply({ model: tinyConvNet(), artifacts: {} }, testContext()));
    expect(e3).toMatchObject({ code: 'INVALID_OPTION', option: 'layers' });
  });

  it('retraining without a trainer fails with TRAINER_REQUIRED', async () => {
    const stage = pruneLowMagnitude({ retrain: { epochs: 1, learningRate: 0.01 } });
    const e = await rejection(stage.apply({ model: tinyMlp(), artifacts: {} }, testContext()));
    expect(e.code).toBe('TRAINER_REQUIRED');
  });

  it('respects earlier masks: once pruned, stays pruned', async () => {
    const model = tinyMlp();
    const first = await pruneLowMagnitude({ sparsity: { d1: 0.25 } }).apply({ model, artifacts: {} }, testContext());
    const earlier = first.artifacts['prune/masks'];
    // a large weight pruned "by hand" earlier must stay pruned even though it is large
    const handMask = new Uint8Array(earlier.get('d1/kernel')!);
    const big = kernel(model, 'd1').reduce((bi, v, i, a) => (Math.abs(v) > Math.abs(a[bi]) ? i : bi), 0);
    handMask[big] = 0;
    const prior = new Map([['d1/kernel', handMask], ['d2/kernel', new Uint8Array(18).fill(1).fill(0, 0, 3)]]);
    const out = await pruneLowMagnitude({ sparsity: { d1: 0.5 } }).apply({ model, artifacts: { 'prune/masks': prior } }, testContext());
    const mask = out.artifacts['prune/masks'].get('d1/kernel')!;
    handMask.forEach((m, i) => { if (m === 0) expect(mask[i]).toBe(0); });
    expect(countKept(48, mask)).toBe(24);
    // a mask for a layer this stage did not prune is carried and applied
    expect(out.artifacts['prune/masks'].get('d2/kernel')).toBe(prior.get('d2/kernel'));
    const thresholds = Object.fromEntries((out.metrics!.layers as { tensor: string; threshold: number | null }[]).map((l) => [l.tensor, l.threshold]));
    expect(thresholds['d1/kernel']).toBeGreaterThan(0);
    expect(thresholds['d2/kernel']).toBeNull(); // carried, not pruned here
    expect([...kernel(out.model, 'd2').slice(0, 3)]).toEqual([0, 0, 0]);
    expect(handMask[big]).toBe(0); // inputs untouched
    expect(prior.get('d1/kernel')).toBe(handMask);
  });

  it('iterative pruning with retraining keeps pruned weights exactly 0 (hooks on a real tfjs optimizer)', async () => {
    const trainer = createFakeTrainer({ steps: 4 });
    const ctx = testContext({ trainer });
    const stage = pruneLowMagnitude({ sparsity: { d1: 0.8, d2: 0.5 }, rounds: 3, schedule: { kind: 'polynomial', power: 2 }, retrain: { epochs: 2, learningRate: 0.05 } });
    const model = tinyMlp();
    const out = await stage.apply({ model, artifacts: {} }, ctx);
    const masks = out.artifacts['prune/masks'];
    expect(zeros(kernel(out.model, 'd1'))).toBe(Math.round(0.8 * 48));
    expect(zeros(kernel(out.model, 'd2'))).toBe(9);
    // weights moved (momentum + random gradients) but pruned ones stayed exactly +0
    expect(kernel(out.model, 'd1')).not.toEqual(kernel(model, 'd1'));
    const rounds = out.metrics!.rounds as { maskViolations: number; accuracy: number; keptFraction: number; epochs: number; targets: Record<string, number> }[];
    expect(rounds.map((r) => r.maskViolations)).toEqual([0, 0, 0]);
    expect(rounds.map((r) => r.epochs)).toEqual([2, 2, 2]);
    // the polynomial ramp: kept share falls round by round, the last round at the final target
    expect(rounds[0].keptFraction).toBeGreaterThan(rounds[1].keptFraction);
    expect(rounds[1].keptFraction).toBeGreaterThan(rounds[2].keptFraction);
    expect(rounds[2].targets).toEqual({ 'd1/kernel': 0.8, 'd2/kernel': 0.5 });
    // accuracy after each round from trainer.evaluate (the fake: share of non-zero kernel weights)
    expect(rounds[2].accuracy).toBeCloseTo((out.metrics!.total as { kept: number }).kept / 66, 12);
    expect(trainer.calls).toHaveLength(3);
    expect(trainer.calls[0].learningRate).toBe(0.05);
    expect(ctx.events.filter((e) => e.label.endsWith('retrain'))).toHaveLength(6);
    expect(ctx.messages.filter((m) => m.level === 'info')).toHaveLength(3);
    void masks;
  });

  it('without the hooks the same trainer moves pruned weights (the check above is meaningful)', async () => {
    const trainer = createFakeTrainer({ steps: 4, useHooks: false });
    const ctx = testContext({ trainer });
    const out = await pruneLowMagnitude({ sparsity: 0.5, retrain: { epochs: 1, learningRate: 0.05 } }).apply({ model: tinyMlp(), artifacts: {} }, ctx);
    const rounds = out.metrics!.rounds as { maskViolations: number }[];
    expect(rounds[0].maskViolations).toBeGreaterThan(0);
    expect(ctx.messages.some((m) => m.level === 'warn')).toBe(true);
    expect(zeros(kernel(out.model, 'd1'))).toBe(24); // re-zeroed anyway
  });

  it('stops between rounds when the signal is aborted', async () => {
    const controller = new AbortController();
    const trainer = createFakeTrainer({ steps: 1 });
    const base = testContext({ trainer, signal: controller.signal });
    const ctx = { ...base, progress: (e: { label: string }) => { if (e.label === 'round 1/3: done') controller.abort(); } };
    const stage = pruneLowMagnitude({ sparsity: 0.5, rounds: 3, retrain: { epochs: 1, learningRate: 0.01 } });
    const e = await rejection(stage.apply({ model: tinyMlp(), artifacts: {} }, ctx));
    expect(e.code).toBe('ABORTED');
    expect(trainer.calls).toHaveLength(1);
  });

  it('a second stage with the same targets prunes nothing more and reports no threshold', async () => {
    const first = await pruneLowMagnitude({ sparsity: 0.5 }).apply({ model: tinyMlp(), artifacts: {} }, testContext());
    const again = await pruneLowMagnitude({ sparsity: 0.5 }).apply({ model: first.model, artifacts: first.artifacts }, testContext());
    expect(again.metrics!.total).toEqual(first.metrics!.total);
    expect((again.metrics!.layers as { threshold: number | null }[]).map((l) => l.threshold)).toEqual([null, null]);
  });

  it('runs in a pipeline; the report carries per-layer metrics', async () => {
    const result = await createPipeline().use(pruneLowMagnitude({ sparsity: 0.75 })).run(tinyMlp());
    expect(result.artifacts['prune/masks']?.size).toBe(2);
    expect(result.report.stages[0].metrics.total).toEqual({ params: 66, kept: 12 + 4, keptFraction: 16 / 66 });
    // One row shape across stages (core's TensorMetricRow): kept is a count, keptFraction the share.
    expect(result.report.stages[0].metrics.layers).toEqual([
      { tensor: 'd1/kernel', params: 48, kept: 12, keptFraction: 0.25, threshold: expect.any(Number) },
      { tensor: 'd2/kernel', params: 18, kept: 4, keptFraction: 4 / 18, threshold: expect.any(Number) },
    ]);
  });
});
