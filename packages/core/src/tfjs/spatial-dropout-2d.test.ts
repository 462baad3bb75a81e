/**
 * Keras' `SpatialDropout2D`, which tfjs lacks: a CNN using it loads (tfjs and Keras 3 files) as a
 * dropout shared along height and width, the identity at inference; in training, dc's tfjs layer
 * and the layer retraining builds both drop whole feature maps.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLayersModel } from './convert-to.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';
import { spatialDropout2d } from './spatial-dropout-2d.js';

function cnn(): tf.LayersModel {
  return tf.sequential({
    name: 'sequential',
    layers: [
      tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 2], name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      spatialDropout2d(tf, { rate: 0.5, name: 'drop' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, name: 'dense', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

/** Each sample's feature maps of `y` `[batch, h, w, c]` (a dropout of ones): the distinct values within each map. */
function mapValues(y: tf.Tensor): number[][] {
  const [batch, h, w, c] = y.shape;
  const v = y.dataSync();
  return Array.from({ length: batch * c }, (_, m) => {
    const [b, ch] = [Math.floor(m / c), m % c];
    return [...new Set(Array.from({ length: h * w }, (_, p) => v[(b * h * w + p) * c + ch]))];
  });
}

describe("Keras' SpatialDropout2D", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('loads as a dropout shared along height and width: the identity at inference, whole feature maps dropped in training', async () => {
    const lm = cnn();
    const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 3);
    const expected = Array.from(predictions(lm, x));
    const ones = tf.ones([8, 3, 3, 6]);
    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      expect(model.layers.find((l) => l.name === 'drop')!.config).toEqual({ kind: 'dropout', rate: 0.5, sharedAxes: [1, 2] });
      const back = toLayersModel(model, tf);
      expect(Array.from(predictions(back, x))).toEqual(expected.map((v) => expect.closeTo(v, 6)));
      for (const layer of [back.getLayer('drop'), lm.getLayer('drop')]) {
        const maps = mapValues(layer.apply(ones, { training: true }) as tf.Tensor);
        expect(maps.every((m) => m.length === 1)).toBe(true);
        expect(new Set(maps.flat())).toEqual(new Set([0, 2]));
      }
      back.dispose();
    }
    tf.dispose([x, ones]);
    lm.dispose();
  });

  it('refuses channels-first data by name', async () => {
    const lm = cnn();
    const artifacts = await artifactsOf(lm);
    ((artifacts.modelTopology as Json).config as { layers: { config: Json }[] }).layers[1].config.dataFormat = 'channelsFirst';
    await expect(loadModel(handlerOf(artifacts), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "drop" \(SpatialDropout2D\): channelsFirst data is not supported \(use channelsLast\)$/) });
    lm.dispose();
  });
});
