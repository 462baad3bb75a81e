import { describe, expect, it } from 'vitest';
import { createPipeline, createRandom, listParams } from '@dc/core';
import type { Model } from '@dc/core';
import { createTfjsTrainer, selectTrainingBackend } from '@dc/core/tfjs';
import { pruneLowMagnitude } from './prune-low-magnitude.js';
import { randomTensor } from './test/models.js';

/** 3 classes of 4×4 images: the class is which of three horizontal bands is bright, plus noise. */
function bands(count: number, seed: number) {
  const r = createRandom(seed);
  const images = new Float32Array(count * 16);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const c = r.int(3);
    labels[n] = c;
    for (let p = 0; p < 16; p++) images[n * 16 + p] = 0.5 * r.next() + (Math.floor(p / 4) === c ? 0.6 : 0);
  }
  return { images, labels, count, height: 4, width: 4 };
}

function mlp(): Model {
  return {
    name: 'bands-mlp',
    inputShape: [16],
    layers: [
      { name: 'h', config: { kind: 'dense', units: 24, activation: 'relu', useBias: true }, params: { kernel: randomTensor([16, 24], 3, 0.3), bias: { shape: [24], values: new Float32Array(24) } } },
      { name: 'out', config: { kind: 'dense', units: 3, activation: 'softmax', useBias: true }, params: { kernel: randomTensor([24, 3], 4, 0.3), bias: { shape: [3], values: new Float32Array(3) } } },
    ],
  };
}

describe('retraining with the real tfjs trainer (tiny synthetic task)', () => {
  it('prunes 80% of weights over 3 rounds, pruned weights exactly +0, accuracy kept', async () => {
    const { tf } = await selectTrainingBackend({ prefer: ['cpu'] });
    const trainer = createTfjsTrainer({ tf, train: bands(600, 1), evaluation: bands(300, 2), classes: 3, batchSize: 32, seed: 1 });
    const base = (await trainer.fineTune(mlp(), { epochs: 4, learningRate: 0.01 })).model;
    const baseline = (await trainer.evaluate(base)).accuracy;
    expect(baseline).toBeGreaterThan(0.95);

    const stage = pruneLowMagnitude({ sparsity: 0.8, rounds: 3, schedule: { kind: 'polynomial', power: 2 }, retrain: { epochs: 2, learningRate: 0.003, optimizer: 'adam' } });
    const { model, artifacts, report } = await createPipeline().use(stage).run(base, { trainer });
    const masks = artifacts['prune/masks']!;
    let pruned = 0;
    for (const ref of listParams(model)) {
      const mask = masks.get(ref.key);
      if (!mask) continue;
      ref.tensor.values.forEach((v, i) => {
        if (mask[i] === 0) {
          expect(Object.is(v, 0)).toBe(true);
          pruned++;
        }
      });
    }
    expect(pruned).toBe(Math.round(0.8 * 384) + Math.round(0.8 * 72));
    const rounds = report.stages[0].metrics.rounds as { maskViolations: number; accuracy: number }[];
    expect(rounds.map((r) => r.maskViolations)).toEqual([0, 0, 0]);
    expect(rounds[2].accuracy).toBeGreaterThanOrEqual(baseline - 0.02);
    expect(report.stages[0].accuracy).toBe(rounds[2].accuracy);
  });
});
