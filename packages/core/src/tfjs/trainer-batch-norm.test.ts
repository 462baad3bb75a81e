import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../ir/model.js';
import { createRandom } from '../random.js';
import { tinyGraphModel } from '../testing/fixtures.js';
import { toLayersModel } from './convert-to.js';
import { createTfjsTrainer } from './trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const model = tinyGraphModel(5); // conv stem → BN → ReLU6 → ... → softmax over 5 classes
const n = 32;
const r = createRandom(9);
const xs = tf.tensor4d(Float32Array.from({ length: n * 300 }, () => r.next() * 2), [n, 10, 10, 3]);
const ys = tf.tensor1d(Int32Array.from({ length: n }, () => r.int(5)), 'int32');
const stats = (m: Model) => {
  const bn = m.layers.find((l) => l.name === 'bn')!.params;
  return { mean: bn.movingMean!.values, variance: bn.movingVariance!.values, gamma: bn.gamma!.values };
};

describe('the trainer and batch normalisation', () => {
  it('update (default): one step moves the moving statistics 1% toward the batch statistics (momentum 0.99)', async () => {
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: n });
    const { model: tuned } = await trainer.fineTune(model, { epochs: 1, learningRate: 0.01, optimizer: 'sgd' });
    // The batch statistics of the stem's output, with the weights before the step.
    const lm = toLayersModel(model, tf);
    const stem = tf.model({ inputs: lm.inputs, outputs: lm.getLayer('stem').output as tf.SymbolicTensor });
    const { mean, variance } = tf.moments(stem.predict(xs) as tf.Tensor, [0, 1, 2]);
    const [batchMean, batchVar] = [mean.dataSync(), variance.dataSync()];
    const before = stats(model);
    const after = stats(tuned);
    for (let c = 0; c < 4; c++) {
      expect(after.mean[c]).toBeCloseTo(before.mean[c] * 0.99 + batchMean[c] * 0.01, 5);
      expect(after.variance[c]).toBeCloseTo(before.variance[c] * 0.99 + batchVar[c] * 0.01, 5);
    }
    expect(after.gamma).not.toEqual(before.gamma);
    tf.dispose([mean, variance]);
    lm.dispose();
  });

  it('frozen: the moving statistics stay bit-identical while gamma, beta and the kernels train', async () => {
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: 8, batchNorm: 'frozen' });
    const { model: tuned } = await trainer.fineTune(model, { epochs: 2, learningRate: 0.01 });
    expect(stats(tuned).mean).toEqual(stats(model).mean);
    expect(stats(tuned).variance).toEqual(stats(model).variance);
    expect(stats(tuned).gamma).not.toEqual(stats(model).gamma);
  });
});
