import { describe, expect, it } from 'vitest';
import { connectivityMask, createPipeline, isDcError, listParams } from '@dc/core';
import { pruneLowMagnitude } from './prune-low-magnitude.js';
import { densityOfSparsity, seededConnectivity } from './seeded-connectivity.js';
import { createFakeTrainer } from './test/fake-trainer.js';
import { randomTensor } from './test/models.js';
import type { Model } from '@dc/core';

/** A dense layer as large as a user's hidden layer, so densities are measurable. */
function mlp(): Model {
  return {
    name: 'mlp',
    inputShape: [64],
    layers: [
      { name: 'h', config: { kind: 'dense', units: 128, activation: 'relu', useBias: true }, params: { kernel: randomTensor([64, 128], 3), bias: randomTensor([128], 4) } },
      { name: 'out', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true }, params: { kernel: randomTensor([128, 10], 5), bias: randomTensor([10], 6) } },
    ],
  };
}

describe('seededConnectivity', () => {
  it('keeps exactly the weights its recorded seeds connect, through retraining', async () => {
    const trainer = createFakeTrainer();
    const input = mlp();
    const { model, artifacts, report } = await createPipeline()
      .use(seededConnectivity({ density: { h: 0.2, out: 0.5 }, seed: 11, retrain: { epochs: 2, learningRate: 0.01 } }))
      .run(input, { trainer });
    const connectivity = artifacts['prune/connectivity']!;
    const masks = artifacts['prune/masks']!;
    expect([...connectivity.keys()]).toEqual(['h/kernel', 'out/kernel']);
    for (const ref of listParams(model).filter((r) => r.param === 'kernel')) {
      const mask = connectivityMask(connectivity.get(ref.key)!, ref.tensor.values.length);
      expect(masks.get(ref.key)).toEqual(mask);
      ref.tensor.values.forEach((v, i) => expect(mask[i] === 0 ? Object.is(v, 0) : v !== 0).toBe(true));
    }
    // Each tensor draws from its own seed; the densities are the ones asked for, within sampling noise.
    const [h, out] = [...connectivity.values()];
    expect(h.seed).not.toBe(out.seed);
    expect(h.keep / 2 ** 32).toBeCloseTo(0.2, 6);
    const kept = masks.get('h/kernel')!.reduce((a, b) => a + b, 0);
    expect(Math.abs(kept - 0.2 * 8192)).toBeLessThan(4 * Math.sqrt(8192 * 0.2 * 0.8));
    expect(report.stages[0].metrics.maskViolations).toBe(0);
    expect(trainer.calls).toHaveLength(1);
  });

  it('draws the same masks from the same seed, and rescales the connected weights when asked', async () => {
    const run = (rescale: boolean) => createPipeline().use(seededConnectivity({ density: 0.25, seed: 99, rescale })).run(mlp());
    const [a, b, scaled] = await Promise.all([run(false), run(false), run(true)]);
    expect(a.artifacts['prune/masks']).toEqual(b.artifacts['prune/masks']);
    const plain = a.model.layers[0].params.kernel!.values;
    const up = scaled.model.layers[0].params.kernel!.values;
    const i = plain.findIndex((v) => v !== 0);
    expect(up[i]).toBeCloseTo(plain[i] * 2, 6);
  });

  it('lets a later magnitude pruning prune within the connected weights; the connectivity still covers them', async () => {
    const { model, artifacts } = await createPipeline()
      .use(seededConnectivity({ density: 0.5, seed: 3 }))
      .use(pruneLowMagnitude({ sparsity: 0.75 }))
      .run(mlp());
    const c = artifacts['prune/connectivity']!.get('h/kernel')!;
    const mask = connectivityMask(c, 8192);
    const values = model.layers[0].params.kernel!.values;
    expect(values.filter((v) => v !== 0).length).toBe(8192 - Math.round(0.75 * 8192));
    values.forEach((v, i) => v !== 0 && expect(mask[i]).toBe(1));
  });

  it('refuses a density outside (0, 1), a bad seed and unknown keys, when made', () => {
    for (const bad of [{ density: 1 }, { density: 0 }, { density: { h: 1.5 } }, { density: 0.5, seed: -1 }, { density: 0.5, seed: 2 ** 32 }, { density: 0.5, sparsity: 0.5 }]) {
      let error: unknown;
      try {
        seededConnectivity(bad as never);
      } catch (e) {
        error = e;
      }
      expect(isDcError(error) && error.code).toBe('INVALID_OPTION');
    }
  });

  it('densityOfSparsity keeps what a sparsity target keeps, leaving layers at sparsity 0 whole', () => {
    expect(densityOfSparsity(0.75)).toBe(0.25);
    expect(densityOfSparsity({ conv1: 0, ip1: 0.9, '*': 0.5 })).toEqual({ ip1: 1 - 0.9, '*': 0.5 });
  });

  it('needs a trainer to retrain', async () => {
    const e = await createPipeline().use(seededConnectivity({ density: 0.5, retrain: { epochs: 1, learningRate: 0.01 } })).run(mlp()).catch((x: unknown) => x);
    expect(isDcError(e) && e.code).toBe('TRAINER_REQUIRED');
  });
});
