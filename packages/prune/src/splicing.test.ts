import { describe, expect, it } from 'vitest';
import { isDcError } from '@dc/core';
import type { Model } from '@dc/core';
import { pruneLowMagnitude } from './prune-low-magnitude.js';
import { createFakeTrainer } from './test/fake-trainer.js';
import { testContext } from './test/context.js';
import { tinyMlp } from './test/models.js';

const kernel = (m: Model, layer: string) => m.layers.find((l) => l.name === layer)!.params.kernel!.values;
const zeros = (v: Float32Array) => v.filter((x) => Object.is(x, 0)).length;
const options = { sparsity: { d1: 0.75, d2: 0.5 }, rounds: 3, schedule: { kind: 'polynomial' as const }, retrain: { epochs: 2, learningRate: 0.05 } };

describe('pruneLowMagnitude with splicing', () => {
  it('brings pruned weights back while keeping the exact target sparsity and exact zeros', async () => {
    const trainer = createFakeTrainer({ steps: 4 });
    const out = await pruneLowMagnitude({ ...options, splicing: true }).apply({ model: tinyMlp(), artifacts: {} }, testContext({ trainer }));
    // 48 and 18 weights: 36 and 9 pruned, exactly, after every round's re-prune.
    expect(zeros(kernel(out.model, 'd1'))).toBe(36);
    expect(zeros(kernel(out.model, 'd2'))).toBe(9);
    const masks = out.artifacts['prune/masks'];
    for (const [layer, key] of [['d1', 'd1/kernel'], ['d2', 'd2/kernel']] as const) {
      kernel(out.model, layer).forEach((v, i) => expect(masks.get(key)![i] === 0).toBe(Object.is(v, 0)));
    }
    const rounds = (out.metrics as { rounds: { revived?: number; maskViolations: number }[] }).rounds;
    expect(rounds.map((r) => r.maskViolations)).toEqual([0, 0, 0]);
    // Random gradients of this size move shadow values across the threshold: some come back.
    expect(rounds.reduce((a, r) => a + r.revived!, 0)).toBeGreaterThan(0);
    expect((out.metrics as { total: { keptFraction: number } }).total.keptFraction).toBeCloseTo(21 / 66, 12);
  });

  it('never revives weights an earlier stage pruned', async () => {
    const trainer = createFakeTrainer({ steps: 4 });
    const first = await pruneLowMagnitude({ sparsity: 0.5 }).apply({ model: tinyMlp(), artifacts: {} }, testContext());
    const prior = first.artifacts['prune/masks'];
    const out = await pruneLowMagnitude({ ...options, splicing: { hysteresis: 0 } }).apply({ model: first.model, artifacts: { 'prune/masks': prior } }, testContext({ trainer }));
    for (const key of ['d1/kernel', 'd2/kernel']) {
      const before = prior.get(key)!;
      const after = out.artifacts['prune/masks'].get(key)!;
      before.forEach((m, i) => { if (m === 0) expect(after[i]).toBe(0); });
    }
    expect(zeros(kernel(out.model, 'd1'))).toBe(36);
  });

  it('differs from plain iterative pruning only through the revived weights', async () => {
    const plain = await pruneLowMagnitude(options).apply({ model: tinyMlp(), artifacts: {} }, testContext({ trainer: createFakeTrainer({ steps: 4 }) }));
    const spliced = await pruneLowMagnitude({ ...options, splicing: true }).apply({ model: tinyMlp(), artifacts: {} }, testContext({ trainer: createFakeTrainer({ steps: 4 }) }));
    expect(zeros(kernel(plain.model, 'd1'))).toBe(zeros(kernel(spliced.model, 'd1')));
    expect([...plain.artifacts['prune/masks'].get('d1/kernel')!]).not.toEqual([...spliced.artifacts['prune/masks'].get('d1/kernel')!]);
  });

  it('validates its options and reports them', () => {
    const thrown = (f: () => unknown) => { try { f(); } catch (e) { return e; } return undefined; };
    const bad = thrown(() => pruneLowMagnitude({ splicing: { hysteresis: -1 } }));
    expect(isDcError(bad) && bad.code === 'INVALID_OPTION' && bad.option === 'splicing.hysteresis').toBe(true);
    const unknown = thrown(() => pruneLowMagnitude({ splicing: { width: 1 } as never }));
    expect(isDcError(unknown) && unknown.code === 'INVALID_OPTION').toBe(true);
    expect(pruneLowMagnitude({ splicing: true }).options).toMatchObject({ splicing: { hysteresis: 0.1 } });
    expect(pruneLowMagnitude({}).options).not.toHaveProperty('splicing');
  });
});
