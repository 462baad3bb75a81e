import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyConvModel, tinyDenseModel } from '../../testing/fixtures.js';
import { AUTO_THREADS_MIN_WORK, trainingThreads, weightReuse } from './training-threads.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe("threads: 'auto'", () => {
  it('weight reuse: dense weights once per sample, a convolution\'s once per output position', () => {
    expect(weightReuse(tinyDenseModel())).toBe(1);
    // conv 3×3×1→4 (+4 biases) at 12×12 output positions, dense 144→10 (+10) once.
    expect(weightReuse(tinyConvModel())).toBeCloseTo((40 * 144 + 1450) / (40 + 1450), 12);
  });

  it('trains a dense network on one thread and a convnet on every core, unless a count is given', async () => {
    const [dense, conv] = [tinyDenseModel(), tinyConvModel()];
    expect(128 * weightReuse(dense)).toBeLessThan(AUTO_THREADS_MIN_WORK);
    expect(await trainingThreads(tf, 'auto', { model: dense, batchSize: 128 })).toBe(1);
    expect(await trainingThreads(tf, 'auto', { model: conv, batchSize: 128 })).toBe(availableParallelism());
    expect(await trainingThreads(tf, 'auto', { model: conv, batchSize: 32 })).toBe(1); // 32 × 4.84 < 170
    expect(await trainingThreads(tf, 2, { model: dense, batchSize: 128 })).toBe(2);
    expect(await trainingThreads(tf, 'auto')).toBe(availableParallelism());
  });
});
