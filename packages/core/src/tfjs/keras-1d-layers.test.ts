/**
 * Keras' `UpSampling1D`, `ZeroPadding1D` and `Cropping1D`, which tfjs lacks: a 1-D U-Net over a
 * two-channel signal (padded to a length the pooling halves, upsampled back, its skip concatenated,
 * cropped to the input's length) loads from tfjs and Keras 3 files and computes what those layers
 * are, written out below with gathers and concatenations; a bad size is refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { keras1dLayer } from './keras-1d-layers.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** [20, 2] → pad 2 + 2 → conv → pool → conv → upsample ×2 → concatenate the skip → crop 2 + 2 → [20, 1]. */
function signalUNet(): tf.LayersModel {
  const conv = (name: string, filters: number, kernelSize: number, seed: number) => tf.layers.conv1d({ name, filters, kernelSize, padding: 'same', activation: kernelSize > 1 ? 'relu' : 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 10, stddev: 0.2 }) });
  const input = tf.input({ shape: [20, 2], name: 'signal' });
  const padded = ap(keras1dLayer(tf, 'ZeroPadding1D', { name: 'pad', padding: [2, 2] }), input);
  const skip = ap(conv('down', 4, 3, 1), padded);
  const deep = ap(conv('deep', 8, 3, 2), ap(tf.layers.maxPooling1d({ name: 'pool', poolSize: 2 }), skip));
  const up = ap(keras1dLayer(tf, 'UpSampling1D', { name: 'up', size: 2 }), deep);
  const cropped = ap(keras1dLayer(tf, 'Cropping1D', { name: 'crop', cropping: [2, 2] }), ap(tf.layers.concatenate({ name: 'merge' }), [skip, up]));
  return tf.model({ inputs: input, outputs: ap(conv('out', 1, 1, 3), cropped), name: 'signal_unet' });
}

describe("Keras' UpSampling1D, ZeroPadding1D and Cropping1D", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a 1-D U-Net using all three loads (tfjs and Keras 3 files) and computes what they are', async () => {
    const lm = signalUNet();
    expect(lm.outputs[0].shape).toEqual([null, 20, 1]);
    const x = tf.randomNormal([4, 20, 2], 0, 1, 'float32', 8);
    const expected = tf.tidy(() => {
      const layer = (name: string, t: tf.Tensor) => lm.getLayer(name).apply(t) as tf.Tensor;
      const zeros = tf.zeros([4, 2, 2]);
      const skip = layer('down', tf.concat([zeros, x, zeros], 1));
      const deep = layer('deep', layer('pool', skip));
      // Step t of the upsampled signal is step floor(t / 2) of the deep one.
      const up = tf.gather(deep, tf.tensor1d(Array.from({ length: 24 }, (_, t) => Math.floor(t / 2)), 'int32'), 1);
      return layer('out', tf.concat([skip, up], -1).slice([0, 2, 0], [4, 20, 12]));
    });
    const want = Array.from(expected.dataSync());
    expect(Array.from(predictions(lm, x))).toEqual(want.map((v) => expect.closeTo(v, 5)));
    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      const configs = new Map(model.layers.map((l) => [l.name, l.config]));
      expect([configs.get('pad'), configs.get('up'), configs.get('crop')]).toEqual([
        { kind: 'zeroPadding2d', amounts: [[0, 0], [2, 2]] },
        { kind: 'upSampling2d', size: [1, 2] },
        { kind: 'cropping2d', amounts: [[0, 0], [2, 2]] },
      ]);
      expectRebuiltPredicts(model, x, want, 5);
    }
    tf.dispose([x, expected]);
    lm.dispose();
  });

  it('one number pads or crops both ends; a size or cropping that is not a whole number of steps is refused by name', async () => {
    const lm = tf.sequential({ name: 'sequential', layers: [keras1dLayer(tf, 'ZeroPadding1D', { name: 'pad', padding: 1, inputShape: [5, 3] }), keras1dLayer(tf, 'Cropping1D', { name: 'crop', cropping: 2 }), keras1dLayer(tf, 'UpSampling1D', { name: 'up', size: 3 })] });
    expect(lm.outputs[0].shape).toEqual([null, 9, 3]);
    const { model } = await loadModel(handlerOf(await artifactsOf(lm)), { tf });
    expect(model.layers.filter((l) => ['pad', 'crop', 'up'].includes(l.name)).map((l) => l.config)).toEqual([
      { kind: 'zeroPadding2d', amounts: [[0, 0], [1, 1]] },
      { kind: 'cropping2d', amounts: [[0, 0], [2, 2]] },
      { kind: 'upSampling2d', size: [1, 3] },
    ]);
    for (const [layer, key, value, why] of [['up', 'size', 1.5, 'size 1.5: a positive integer is needed'], ['crop', 'cropping', [1, -1], 'cropping \\[1,-1\\]: one or two integers ≥ 0 are needed']] as const) {
      const artifacts = await artifactsOf(lm);
      const config = ((artifacts.modelTopology as Json).config as { layers: { config: Json }[] }).layers.find((l) => l.config.name === layer)!.config;
      config[key] = value;
      await expect(loadModel(handlerOf(artifacts), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(new RegExp(`layer "${layer}" \\((UpSampling|Cropping)1D\\): ${why}$`)) });
    }
    lm.dispose();
  });
});
