/**
 * Keras' `UnitNormalization`, which tfjs lacks: a metric-learning embedder (Keras' similarity
 * search example ends with one) loads from tfjs and Keras 3 files as a `unitNorm` node whose
 * outputs are the embeddings divided by their L2 norms, written out below in float64; over an
 * image's whole feature map it normalises the trailing axes together; axes that are not the
 * trailing ones are refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLayersModel } from './convert-to.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';
import { unitNormalization } from './unit-normalization.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym) => layer.apply(x) as Sym;

/** A small embedder: conv, pooling, a 6-wide embedding, unit-normalised. */
function embedder(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'image' });
  const features = ap(tf.layers.globalAveragePooling2d({ name: 'pool' }), ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }), input));
  const embedding = ap(tf.layers.dense({ units: 6, name: 'embedding', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }), features);
  return tf.model({ inputs: input, outputs: ap(unitNormalization(tf, { name: 'unit', axis: 1 }), embedding), name: 'embedder' });
}

/** Each row of `[rows, width]` values divided by its L2 norm (TensorFlow's `l2_normalize`), in float64. */
function l2Normalised(values: ArrayLike<number>, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += width) {
    const row = Array.from({ length: width }, (_, c) => values[i + c]);
    const norm = Math.sqrt(Math.max(row.reduce((s, v) => s + v * v, 0), 1e-12));
    out.push(...row.map((v) => v / norm));
  }
  return out;
}

describe("Keras' UnitNormalization", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('an embedder ending in it loads (tfjs and Keras 3 files) as unitNorm: each embedding divided by its norm, also once saved and reloaded', async () => {
    const lm = embedder();
    const x = tf.randomNormal([5, 8, 8, 3], 0, 1, 'float32', 4);
    const raw = tf.model({ inputs: lm.inputs, outputs: lm.getLayer('embedding').output as Sym });
    const expected = l2Normalised((raw.predict(x) as tf.Tensor).dataSync(), 6);
    expect(Array.from(predictions(lm, x))).toEqual(expected.map((v) => expect.closeTo(v, 6)));
    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      expect(model.layers.at(-1)).toMatchObject({ name: 'unit', config: { kind: 'unitNorm' }, params: {} });
      const back = toLayersModel(model, tf);
      expect(Array.from(predictions(back, x))).toEqual(expected.map((v) => expect.closeTo(v, 6)));
      const reloaded = await tf.loadLayersModel(handlerOf(await artifactsOf(back)));
      expect(Array.from(predictions(reloaded, x))).toEqual(expected.map((v) => expect.closeTo(v, 6)));
      for (const m of [back, reloaded]) m.dispose();
    }
    x.dispose();
    lm.dispose();
  });

  it("over an image's whole feature map (axis [1, 2, 3]) it normalises the trailing axes together; axes that are not the trailing ones are refused by name", async () => {
    const lm = tf.sequential({ name: 'sequential', layers: [tf.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [3, 3, 2], name: 'conv' }), unitNormalization(tf, { name: 'unit', axis: [1, 2, 3] })] });
    const x = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 5);
    const { model } = await loadModel(handlerOf(await artifactsOf(lm)), { tf });
    expect(model.layers.at(-1)!.config).toEqual({ kind: 'unitNorm', trailingAxes: 3 });
    const conv = (lm.getLayer('conv').apply(x) as tf.Tensor).dataSync();
    const back = toLayersModel(model, tf);
    expect(Array.from(predictions(back, x))).toEqual(l2Normalised(conv, 18).map((v) => expect.closeTo(v, 6)));
    const artifacts = await artifactsOf(lm);
    ((artifacts.modelTopology as Json).config as { layers: { config: Json }[] }).layers[1].config.axis = [1, 2];
    await expect(loadModel(handlerOf(artifacts), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "unit" \(UnitNormalization\): axis \[-3,-2\]: only the last axis, or several last axes together, is supported$/) });
    x.dispose();
    back.dispose();
    lm.dispose();
  });
});
