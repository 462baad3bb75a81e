/**
 * Keras' `GroupNormalization`, which tfjs lacks: a U-Net block normalising its convolutions by
 * groups loads (tfjs and Keras 3 files) as `groupNorm` nodes computing Keras' definition, written
 * out below in float64 from the weights; an axis other than the channels, or groups that do not
 * divide them, are refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupNormalization } from './group-normalization.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

/** Conv, group norm (4 groups of 2), swish, conv, group norm (2 groups of 3, no beta), pooled, a softmax head. */
function unetBlock(): tf.LayersModel {
  const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 9 }) });
  return tf.sequential({
    name: 'sequential',
    layers: [
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [6, 6, 3], name: 'conv', ...seeded(1) }),
      groupNormalization(tf, { groups: 4, name: 'norm' }),
      tf.layers.activation({ activation: 'swish', name: 'act' }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, name: 'conv_1', ...seeded(2) }),
      groupNormalization(tf, { groups: 2, epsilon: 1e-5, center: false, name: 'norm_1' }),
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', ...seeded(3) }),
    ],
  });
}

/** Keras' group normalisation of `x` (a batch of `[positions, C]` samples, flat), in float64. */
function groupNormalised(x: ArrayLike<number>, samples: number, channels: number, groups: number, epsilon: number, gamma?: ArrayLike<number>, beta?: ArrayLike<number>): number[] {
  const out = Array.from(x, Number);
  const [width, positions] = [channels / groups, x.length / samples / channels];
  for (let s = 0; s < samples; s++) {
    for (let g = 0; g < groups; g++) {
      const at = (p: number, j: number) => (s * positions + p) * channels + g * width + j;
      const values = Array.from({ length: positions * width }, (_, k) => Number(x[at(Math.floor(k / width), k % width)]));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      for (let p = 0; p < positions; p++) {
        for (let j = 0; j < width; j++) out[at(p, j)] = ((Number(x[at(p, j)]) - mean) / Math.sqrt(variance + epsilon)) * (gamma ? gamma[g * width + j] : 1) + (beta ? beta[g * width + j] : 0);
      }
    }
  }
  return out;
}

describe("Keras' GroupNormalization", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a U-Net block using it loads (tfjs and Keras 3 files) as groupNorm nodes computing Keras\' definition', async () => {
    const lm = unetBlock();
    // Gamma and beta away from their initial ones and zeros.
    for (const name of ['norm', 'norm_1']) lm.getLayer(name).setWeights(lm.getLayer(name).getWeights().map((w, i) => tf.randomNormal(w.shape, i === 0 ? 1 : 0, 0.3, 'float32', 20 + i)));
    const x = tf.randomNormal([3, 6, 6, 3], 0, 1, 'float32', 7);
    const weights = (name: string) => lm.getLayer(name).getWeights().map((w) => w.dataSync());
    const layer = (name: string, t: tf.Tensor) => lm.getLayer(name).apply(t) as tf.Tensor;
    const first = (layer('conv', x) as tf.Tensor).dataSync();
    const [g0, b0] = weights('norm');
    const normed = tf.tensor(groupNormalised(first, 3, 8, 4, 1e-3, g0, b0), [3, 6, 6, 8]);
    const second = layer('conv_1', layer('act', normed)).dataSync();
    const [g1] = weights('norm_1');
    const expected = Array.from(layer('head', layer('pool', tf.tensor(groupNormalised(second, 3, 6, 2, 1e-5, g1), [3, 4, 4, 6]))).dataSync());
    expect(Array.from(predictions(lm, x))).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      const norms = model.layers.filter((l) => l.config.kind === 'groupNorm');
      expect(norms.map((l) => [l.name, l.config, Object.keys(l.params)])).toEqual([
        ['norm', { kind: 'groupNorm', groups: 4, epsilon: 1e-3, center: true, scale: true }, ['gamma', 'beta']],
        ['norm_1', { kind: 'groupNorm', groups: 2, epsilon: 1e-5, center: false, scale: true }, ['gamma']],
      ]);
      expectRebuiltPredicts(model, x, expected, 5);
    }
    tf.dispose([x, normed]);
    lm.dispose();
  });

  it('refuses an axis other than the channels, and groups that do not divide them, by name', async () => {
    const lm = unetBlock();
    const edited = async (change: Json) => {
      const artifacts = await artifactsOf(lm);
      Object.assign(((artifacts.modelTopology as Json).config as { layers: { config: Json }[] }).layers[1].config, change);
      return loadModel(handlerOf(artifacts), { tf });
    };
    await expect(edited({ axis: 1 })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "norm" \(GroupNormalization\): axis -3: only the last axis \(the channels\) is supported$/) });
    await expect(edited({ groups: 3 })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "norm" \(GroupNormalization\): groups 3 do not divide its 8 channels$/) });
    lm.dispose();
  });
});
