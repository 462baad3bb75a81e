/**
 * Keras' `Rescaling` with a scale and offset per channel (EfficientNet's stem): it loads as a
 * batchNorm of fixed statistics that computes what tfjs's own layer computes, frozen in
 * retraining; a list of another length is refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isChannelRescaling } from './channel-rescaling.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

// ImageNet's deviations per colour, as EfficientNet's stem divides by their square roots.
const STDDEV = [0.229, 0.224, 0.225];

/** EfficientNet's stem and a squeeze-and-excitation block, on raw pixel values. */
function efficientNetStem(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3], name: 'image' });
  const unit = ap(tf.layers.rescaling({ scale: 1 / 255, name: 'rescaling' }), input);
  const colours = ap(tf.layers.rescaling({ scale: STDDEV.map((s) => 1 / Math.sqrt(s)), offset: [-0.5, 0.25, 0] as never, name: 'rescaling_1' } as never), unit);
  const stem = ap(tf.layers.activation({ activation: 'swish', name: 'stem_activation' }), ap(tf.layers.batchNormalization({ name: 'stem_bn' }), ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'stem_conv' }), colours)));
  const squeezed = ap(tf.layers.reshape({ targetShape: [1, 1, 8], name: 'se_reshape' }), ap(tf.layers.globalAveragePooling2d({ name: 'se_squeeze' }), stem));
  const gate = ap(tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'sigmoid', name: 'se_expand' }), ap(tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'swish', name: 'se_reduce' }), squeezed));
  const excited = ap(tf.layers.multiply({ name: 'se_excite' }), [stem, gate]);
  const out = ap(tf.layers.dense({ units: 4, activation: 'softmax', name: 'predictions' }), ap(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), excited));
  return tf.model({ inputs: input, outputs: out, name: 'efficientnet_stem' });
}

describe("Keras' Rescaling with a scale and offset per channel", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('EfficientNet\'s stem loads (tfjs and Keras 3 files) as a fixed batchNorm computing what tfjs\'s Rescaling computes', async () => {
    const lm = efficientNetStem();
    const x = tf.randomUniform([6, 12, 12, 3], 0, 255, 'float32', 3);
    const expected = predictions(lm, x);
    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      const node = model.layers.find((l) => l.name === 'rescaling_1')!;
      expect(node.config).toEqual({ kind: 'batchNorm', epsilon: 0, center: true, scale: true, fixed: true });
      expect([Array.from(node.params.gamma!.values), Array.from(node.params.beta!.values)]).toEqual([STDDEV.map((s) => Math.fround(1 / Math.sqrt(s))), [-0.5, 0.25, 0]]);
      expect([isChannelRescaling(node), isChannelRescaling(model.layers.find((l) => l.name === 'stem_bn')!)]).toEqual([true, false]);
      expect(model.layers[0].config).toEqual({ kind: 'rescale', scale: 1 / 255, offset: 0 });
      expectRebuiltPredicts(model, x, expected, 6);
    }
    x.dispose();
    lm.dispose();
  });

  it('one value stands for every channel; a list of another length, or not of numbers, is refused by name', async () => {
    const lm = tf.sequential({ name: 'sequential', layers: [tf.layers.rescaling({ scale: 2, offset: 1, inputShape: [2, 3], name: 'scaled' }), tf.layers.dense({ units: 2, name: 'dense' })] });
    const withRescaling = async (scale: unknown, offset: unknown) => {
      const artifacts = await artifactsOf(lm);
      const config = ((artifacts.modelTopology as Json).config as { layers: { config: Json }[] }).layers[0].config;
      Object.assign(config, { scale, offset });
      return loadModel(handlerOf(artifacts), { tf });
    };
    const { model } = await withRescaling([0.5], [1, 2, 3]);
    expect([Array.from(model.layers[0].params.gamma!.values), Array.from(model.layers[0].params.beta!.values)]).toEqual([[0.5, 0.5, 0.5], [1, 2, 3]]);
    await expect(withRescaling([1, 2], 0)).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "scaled" \(Rescaling\): scale has 2 values for 3 channels of the last axis$/) });
    await expect(withRescaling(['1', 2, 3], 0)).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "scaled" \(Rescaling\): scale \["1",2,3\]: numbers within ±1000000 are supported$/) });
    lm.dispose();
  });
});
