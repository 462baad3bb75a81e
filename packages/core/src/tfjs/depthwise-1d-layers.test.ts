/**
 * Keras' `SeparableConv1D` and `DepthwiseConv1D`, which tfjs lacks: a keyword-spotting network in
 * the DS-CNN style (a causal separable convolution with depth multiplier 2, a strided depthwise
 * convolution, a dilated one) loads from tfjs and Keras 3 files (where the depthwise kernel is named
 * `kernel`) and computes Keras' definitions, written out below as loops over the weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { depthwise1dLayer } from './depthwise-1d-layers.js';
import { artifactsOf, asKeras3, handlerOf } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

/** Deterministic values in (−0.7, 0.7), different per `seed`. */
const filled = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 0.7 * Math.sin(2.3 * i + seed));

/** Frames [16, 5] → SeparableConv1D(6, 3, causal, ×2, relu) → DepthwiseConv1D(3, stride 2, valid, ×2) → DepthwiseConv1D(2, dilation 2, same, relu) → average → 3 words. */
function keywordSpotter(): tf.LayersModel {
  return tf.sequential({
    name: 'sequential',
    layers: [
      depthwise1dLayer(tf, 'SeparableConv1D', { filters: 6, kernelSize: 3, padding: 'causal', depthMultiplier: 2, activation: 'relu', name: 'sep', inputShape: [16, 5] } as never),
      depthwise1dLayer(tf, 'DepthwiseConv1D', { kernelSize: 3, strides: 2, padding: 'valid', depthMultiplier: 2, name: 'dw' }),
      depthwise1dLayer(tf, 'DepthwiseConv1D', { kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'relu', name: 'dilated' }),
      tf.layers.globalAveragePooling1d({ name: 'pool' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
}

/**
 * Keras' depthwise 1-D convolution of `x` `[steps, channels]` by `kernel` `[k, channels, multiplier]`
 * (float64): output channel c·m + j at step t sums x[t·s + i·d − before][c] · kernel[i][c][j], where
 * `before` is TensorFlow's `same` split (the odd step after), `causal`'s whole span, or none.
 */
function depthwise(x: number[][], kernel: number[][][], bias: number[] | undefined, s: number, d: number, padding: 'same' | 'valid' | 'causal'): number[][] {
  const [k, channels, m] = [kernel.length, kernel[0].length, kernel[0][0].length];
  const span = (k - 1) * d + 1;
  const length = padding === 'valid' ? Math.ceil((x.length - span + 1) / s) : Math.ceil(x.length / s);
  const before = padding === 'causal' ? span - 1 : padding === 'same' ? Math.floor(Math.max((length - 1) * s + span - x.length, 0) / 2) : 0;
  return Array.from({ length }, (_, t) =>
    Array.from({ length: channels * m }, (_, q) => {
      const [c, j] = [Math.floor(q / m), q % m];
      let sum = bias?.[q] ?? 0;
      for (let i = 0; i < k; i++) sum += (x[t * s + i * d - before]?.[c] ?? 0) * kernel[i][c][j];
      return sum;
    }),
  );
}

const relu = (rows: number[][]) => rows.map((r) => r.map((v) => Math.max(v, 0)));

/** Sets a layer's weights to deterministic values; returns them as nested arrays. */
function setWeights(lm: tf.LayersModel, name: string, seed: number): unknown[] {
  const layer = lm.getLayer(name);
  const values = layer.weights.map((w, i) => tf.tensor(filled((w.shape as number[]).reduce((a, b) => a * b, 1), seed + i), w.shape as number[]));
  layer.setWeights(values);
  const arrays = values.map((v) => v.arraySync());
  tf.dispose(values);
  return arrays;
}

describe("Keras' SeparableConv1D and DepthwiseConv1D", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a DS-CNN keyword spotter loads (tfjs and Keras 3 files) as the one-row depthwise and pointwise convolutions Keras computes', async () => {
    const lm = keywordSpotter();
    const [sepDepthwise, sepPointwise, sepBias] = setWeights(lm, 'sep', 1) as [number[][][], number[][][], number[]];
    const [dwKernel, dwBias] = setWeights(lm, 'dw', 5) as [number[][][], number[]];
    const [dilatedKernel, dilatedBias] = setWeights(lm, 'dilated', 9) as [number[][][], number[]];
    const x = tf.tensor3d(filled(2 * 16 * 5, 13).map((v) => 2 * v), [2, 16, 5]);
    const features = (x.arraySync() as number[][][]).map((sample) => {
      const separable = relu(depthwise(sample, sepDepthwise, undefined, 1, 1, 'causal').map((row) => sepBias.map((b, f) => row.reduce((s, v, q) => s + v * sepPointwise[0][q][f], b))));
      return relu(depthwise(depthwise(separable, dwKernel, dwBias, 2, 1, 'valid'), dilatedKernel, dilatedBias, 1, 2, 'same'));
    });
    expect([features[0].length, features[0][0].length]).toEqual([7, 12]);
    const head = (t: tf.Tensor) => lm.getLayer('head').apply(lm.getLayer('pool').apply(t)) as tf.Tensor;
    const expected = Array.from(head(tf.tensor3d(features)).dataSync());
    expect(Array.from(predictions(lm, x))).toEqual(expected.map((v) => expect.closeTo(v, 5)));

    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      // Each 1-D layer a 2-D op on one row between reshapes; the separable one's depthwise half its own node.
      expect(model.layers.map((l) => `${l.name}:${l.config.kind}`)).toEqual([
        'sep_2d:reshape', 'sep_causal:zeroPadding2d', 'sep_depthwise:depthwiseConv2d', 'sep:conv2d', 'sep_1d:reshape',
        'dw_2d:reshape', 'dw:depthwiseConv2d', 'dw_1d:reshape',
        'dilated_2d:reshape', 'dilated:depthwiseConv2d', 'dilated_1d:reshape',
        'pool_2d:reshape', 'pool:globalAvgPool2d', 'head:dense',
      ]);
      expect(model.layers.find((l) => l.name === 'sep_depthwise')!.params.kernel!.shape).toEqual([1, 3, 5, 2]);
      expect(model.layers.find((l) => l.name === 'sep')!.params.kernel!.shape).toEqual([1, 1, 10, 6]);
      expect(model.layers.find((l) => l.name === 'dilated')!.config).toMatchObject({ kind: 'depthwiseConv2d', kernelSize: [1, 2], dilationRate: [1, 2], depthMultiplier: 1 });
      expectRebuiltPredicts(model, x, expected, 5);
    }
    x.dispose();
    lm.dispose();
  });
});
