/**
 * A BatchNormalization frozen by `trainable: false` (a transfer-learning backbone's, as Keras users
 * freeze them) is read as fixed statistics: retraining runs it as at inference, as Keras does, and
 * leaves its gamma, beta and statistics exactly as they came, while the unfrozen one beside it
 * trains; dc export keeps it frozen.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../ir/model.js';
import { createRandom } from '../random.js';
import { uncompressedModel } from '../testing/uncompressed.js';
import { dcmHandler } from './dcm-handler.js';
import { artifactsOf, handlerOf } from './keras3-fixture.test-support.js';
import { loadModel } from './load-model.js';
import { createTfjsTrainer } from './trainer.js';

/** conv → BN (frozen) → ReLU → conv → BN → ReLU → pooling → softmax over 3 classes, its statistics away from 0 and 1. */
function transferModel(): tf.LayersModel {
  const stat = (value: number) => tf.initializers.constant({ value });
  const bn = (name: string, trainable: boolean) => tf.layers.batchNormalization({ name, trainable, movingMeanInitializer: stat(0.2), movingVarianceInitializer: stat(1.7), gammaInitializer: stat(1.3), betaInitializer: stat(-0.1) });
  return tf.sequential({
    name: 'transfer',
    layers: [
      tf.layers.conv2d({ name: 'backbone_conv', filters: 4, kernelSize: 3, inputShape: [8, 8, 3], kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      bn('backbone_bn', false),
      tf.layers.reLU({ name: 'backbone_relu' }),
      tf.layers.conv2d({ name: 'head_conv', filters: 4, kernelSize: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      bn('head_bn', true),
      tf.layers.reLU({ name: 'head_relu' }),
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
      tf.layers.dense({ name: 'classes', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
    ],
  });
}

const paramsOf = (m: Model, layer: string) => Object.fromEntries(Object.entries(m.layers.find((l) => l.name === layer)!.params).map(([k, t]) => [k, Array.from(t!.values)]));

describe('a frozen BatchNormalization (trainable: false)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('reads as fixed statistics, stays exactly as it came through retraining while the other trains, and stays frozen through dc export', async () => {
    const lm = transferModel();
    const saved = await artifactsOf(lm);
    lm.dispose();
    const { model } = await loadModel(handlerOf(saved), { tf });
    expect(model.layers.find((l) => l.name === 'backbone_bn')!.config).toEqual({ kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true, fixed: true });
    expect(model.layers.find((l) => l.name === 'head_bn')!.config).toEqual({ kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true });

    const r = createRandom(4);
    const xs = tf.tensor4d(Float32Array.from({ length: 24 * 192 }, () => r.next() * 2 - 0.5), [24, 8, 8, 3]);
    const ys = tf.tensor1d(Int32Array.from({ length: 24 }, () => r.int(3)), 'int32');
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: 8 });
    const { model: tuned } = await trainer.fineTune(model, { epochs: 2, learningRate: 0.05 });
    expect(paramsOf(tuned, 'backbone_bn')).toEqual(paramsOf(model, 'backbone_bn'));
    for (const key of ['gamma', 'beta', 'movingMean', 'movingVariance']) expect(paramsOf(tuned, 'head_bn')[key]).not.toEqual(paramsOf(model, 'head_bn')[key]);
    expect(paramsOf(tuned, 'backbone_conv').kernel).not.toEqual(paramsOf(model, 'backbone_conv').kernel);

    const exported = await dcmHandler(uncompressedModel(tuned), { tf }).load!();
    expect(exported.userDefinedMetadata).toEqual({ dcm: { fixedStatistics: ['backbone_bn'] } });
    const again = await loadModel(handlerOf(exported), { tf });
    expect(again.model.layers.map((l) => l.config)).toEqual(tuned.layers.map((l) => l.config));
    tf.dispose([xs, ys]);
  });
});
