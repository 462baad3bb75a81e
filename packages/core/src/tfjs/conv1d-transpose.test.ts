/**
 * Keras' `Conv1DTranspose`, which tfjs lacks: the autoencoder of Keras' time-series anomaly
 * detection tutorial (two strided Conv1D, three Conv1DTranspose) loads from tfjs and Keras 3 files
 * and computes Keras' definition of the transposed convolution, written out below as loops over
 * the weights; dilation and output padding are refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv1dTranspose } from './conv1d-transpose.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

const STEPS = 24;

/** Keras' tutorial autoencoder, shrunk: [24, 1] → [12, 8] → [6, 4] → [12, 4] → [24, 8] → [24, 1]. */
function autoencoder(): tf.LayersModel {
  const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 50, stddev: 0.2 }) });
  return tf.sequential({
    name: 'sequential',
    layers: [
      tf.layers.conv1d({ filters: 8, kernelSize: 7, padding: 'same', strides: 2, activation: 'relu', inputShape: [STEPS, 1], name: 'conv1d', ...seeded(1) }),
      tf.layers.dropout({ rate: 0.2, name: 'dropout' }),
      tf.layers.conv1d({ filters: 4, kernelSize: 7, padding: 'same', strides: 2, activation: 'relu', name: 'conv1d_1', ...seeded(2) }),
      conv1dTranspose(tf, { filters: 4, kernelSize: 7, padding: 'same', strides: 2, activation: 'relu', name: 'conv1d_transpose' }),
      tf.layers.dropout({ rate: 0.2, name: 'dropout_1' }),
      conv1dTranspose(tf, { filters: 8, kernelSize: 7, padding: 'same', strides: 2, activation: 'relu', name: 'conv1d_transpose_1' }),
      conv1dTranspose(tf, { filters: 1, kernelSize: 7, padding: 'same', name: 'conv1d_transpose_2' }),
    ],
  });
}

/**
 * Keras' transposed convolution of `x` `[steps, channels]` by `kernel` `[k, filters, channels]`
 * (float64): input step i scatters into output steps i·s + j − before, where `before` is what
 * `same` crops from the front (half the overhang, rounded down) and `valid` none.
 */
function transposed(x: number[][], kernel: number[][][], bias: number[], s: number, padding: 'same' | 'valid'): number[][] {
  const k = kernel.length;
  // Keras' length without output padding: steps × stride, and under valid what the kernel overhangs.
  const length = x.length * s + (padding === 'valid' ? Math.max(k - s, 0) : 0);
  const before = padding === 'same' ? Math.floor(Math.max(k - s, 0) / 2) : 0;
  const y = Array.from({ length }, () => [...bias]);
  x.forEach((row, i) => {
    for (let j = 0; j < k; j++) {
      const o = i * s + j - before;
      if (o < 0 || o >= length) continue;
      kernel[j].forEach((perFilter, f) => (y[o][f] += row.reduce((sum, v, c) => sum + v * perFilter[c], 0)));
    }
  });
  return y;
}

/** Keras' Conv1D, same padding (TensorFlow's: the odd padding step after), of `x` `[steps, channels]` by `kernel` `[k, channels, filters]`. */
function conv1dSame(x: number[][], kernel: number[][][], bias: number[], s: number): number[][] {
  const k = kernel.length;
  const length = Math.ceil(x.length / s);
  const before = Math.floor(Math.max((length - 1) * s + k - x.length, 0) / 2);
  return Array.from({ length }, (_, o) => bias.map((b, f) => kernel.reduce((sum, taps, j) => {
    const i = o * s + j - before;
    return i < 0 || i >= x.length ? sum : sum + taps.reduce((t, perFilter, c) => t + x[i][c] * perFilter[f], 0);
  }, b)));
}

const relu = (y: number[][]) => y.map((row) => row.map((v) => Math.max(v, 0)));

describe("Keras' Conv1DTranspose", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("the time-series autoencoder of Keras' tutorial loads (tfjs and Keras 3 files) and computes Keras' definition", async () => {
    const lm = autoencoder();
    // Biases drawn too (tfjs's own initializer for them is zeros).
    lm.layers.filter((l) => l.name.startsWith('conv1d_transpose')).forEach((l, i) => l.setWeights(l.getWeights().map((w, n) => (n === 1 ? tf.randomNormal(w.shape, 0, 0.2, 'float32', 90 + i) : w))));
    const weights = (name: string) => lm.getLayer(name).getWeights().map((w) => w.arraySync());
    const x = tf.randomNormal([3, STEPS, 1], 0, 1, 'float32', 4);
    const expected = (x.arraySync() as number[][][]).flatMap((sample) => {
      const [w1, b1] = weights('conv1d') as [number[][][], number[]];
      const [w2, b2] = weights('conv1d_1') as [number[][][], number[]];
      const [t1, c1] = weights('conv1d_transpose') as [number[][][], number[]];
      const [t2, c2] = weights('conv1d_transpose_1') as [number[][][], number[]];
      const [t3, c3] = weights('conv1d_transpose_2') as [number[][][], number[]];
      const encoded = relu(conv1dSame(relu(conv1dSame(sample, w1, b1, 2)), w2, b2, 2));
      return transposed(relu(transposed(relu(transposed(encoded, t1, c1, 2, 'same')), t2, c2, 2, 'same')), t3, c3, 1, 'same').flat();
    });
    expect(expected).toHaveLength(3 * STEPS);
    expect(Array.from(predictions(lm, x))).toEqual(expected.map((v) => expect.closeTo(v, 5)));

    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      expect(model.layers.filter((l) => l.name.startsWith('conv1d_transpose')).map((l) => [l.name, l.config.kind])).toEqual([
        ['conv1d_transpose_2d', 'reshape'], ['conv1d_transpose', 'conv2dTranspose'], ['conv1d_transpose_1d', 'reshape'],
        ['conv1d_transpose_1_2d', 'reshape'], ['conv1d_transpose_1', 'conv2dTranspose'], ['conv1d_transpose_1_1d', 'reshape'],
        ['conv1d_transpose_2_2d', 'reshape'], ['conv1d_transpose_2', 'conv2dTranspose'], ['conv1d_transpose_2_1d', 'reshape'],
      ]);
      expect(model.layers.find((l) => l.name === 'conv1d_transpose')!.params.kernel!.shape).toEqual([1, 7, 4, 4]);
      expectRebuiltPredicts(model, x, expected, 5);
    }
    x.dispose();
    lm.dispose();
  });

  it('valid padding, a kernel shorter than its stride, no bias: Keras\' lengths and values', async () => {
    const lm = tf.sequential({ name: 'sequential', layers: [conv1dTranspose(tf, { filters: 2, kernelSize: 2, strides: 3, padding: 'valid', useBias: false, name: 'up', inputShape: [5, 3] } as never)] });
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 6);
    const [kernel] = lm.getLayer('up').getWeights().map((w) => w.arraySync()) as [number[][][]];
    const expected = (x.arraySync() as number[][][]).flatMap((sample) => transposed(sample, kernel, [0, 0], 3, 'valid').flat());
    expect(lm.outputs[0].shape).toEqual([null, 15, 2]);
    const { model } = await loadModel(handlerOf(await artifactsOf(lm)), { tf });
    expectRebuiltPredicts(model, x, expected, 5);
    x.dispose();
    lm.dispose();
  });

  it('refuses dilation and output padding by name', async () => {
    const lm = tf.sequential({ name: 'sequential', layers: [conv1dTranspose(tf, { filters: 2, kernelSize: 3, name: 'up', inputShape: [5, 3] } as never)] });
    for (const [key, value, why] of [['dilationRate', 2, 'dilationRate other than 1 is not supported'], ['outputPadding', 1, 'outputPadding is not supported']] as const) {
      const artifacts = await artifactsOf(lm);
      Object.assign(((artifacts.modelTopology as Json).config as { layers: { config: Json }[] }).layers[0].config, { [key]: value });
      await expect(loadModel(handlerOf(artifacts), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(new RegExp(`layer "up" \\(Conv1DTranspose\\): ${why}$`)) });
    }
    lm.dispose();
  });
});
