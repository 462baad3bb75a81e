/**
 * The issue this answers: a model whose head emits logits used to retrain silently wrong (19.9%
 * after one epoch). On real MNIST, a logits-headed model (fromLogits: true) and the same model
 * with a softmax head retrain to the same accuracy; the logits model without fromLogits is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../ir/model.js';
import { sliceSet, type ImageDataset } from '../mnist/dataset.js';
import { loadMnist } from '../mnist/load.js';
import { fromLayersModel } from './convert-from.js';
import { createTfjsTrainer } from './trainer.js';

function mlp(head: 'softmax' | 'linear'): Model {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const lm = tf.sequential({
    name: `mlp-${head}`,
    layers: [
      tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu', name: 'fc1', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 10, activation: head, name: 'fc2', kernelInitializer: init(2) }),
    ],
  });
  const model = fromLayersModel(lm);
  lm.dispose();
  return model;
}

describe('logits and softmax heads on real MNIST (4,000 training images, 2,000 test images)', () => {
  let mnist: ImageDataset;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    mnist = await loadMnist();
  });

  it('retrain to the same accuracy; a logits head without fromLogits is LOSS_HEAD_MISMATCH', async () => {
    const data = { train: sliceSet(mnist.train, 4000), validation: sliceSet(mnist.test, 2000), batchSize: 64, seed: 1 };
    const softmax = createTfjsTrainer({ tf, ...data });
    const logits = createTfjsTrainer({ tf, ...data, fromLogits: true });
    const a = await softmax.evaluate((await softmax.fineTune(mlp('softmax'), { epochs: 2, learningRate: 2e-3 })).model);
    const b = await logits.evaluate((await logits.fineTune(mlp('linear'), { epochs: 2, learningRate: 2e-3 })).model);
    console.log(`softmax head ${(a.accuracy * 100).toFixed(2)}%, logits head ${(b.accuracy * 100).toFixed(2)}% (2,000 MNIST test images)`);
    expect(a.accuracy).toBeGreaterThan(0.85);
    expect(Math.abs(a.accuracy - b.accuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(0.02);
    await expect(softmax.fineTune(mlp('linear'), { epochs: 1, learningRate: 2e-3 })).rejects.toMatchObject({ code: 'LOSS_HEAD_MISMATCH' });
  });
});
