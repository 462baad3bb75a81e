/**
 * Keras' time-series transformer tutorial ends its encoder in `GlobalAveragePooling1D(data_format=
 * "channels_first")`: each step's features averaged, `[steps]`. tfjs's pooling has no data format;
 * dc loads the model (tfjs and Keras 3 files) with that pooling as Keras computes it — written out
 * below as a mean per step — and the whole tutorial block (layer norms, multi-head self-attention,
 * a 1×1 convolution MLP, residual adds) predicting as built.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerChannelsFirstPooling } from './channels-first-pooling.js';
import { artifactsOf, asKeras3, clone, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';
import { multiHeadAttentionLayer } from './multi-head-attention.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 20, stddev: 0.2 }) });

/** The tutorial's model, shrunk: [12, 1] → one encoder block (2 heads of 4) → channels-first pooling [12] → Dense(8, relu) → 2 classes. */
function timeSeriesTransformer(pool: tf.layers.Layer): tf.LayersModel {
  const series = tf.input({ shape: [12, 1], name: 'series' });
  const normed = ap(tf.layers.layerNormalization({ epsilon: 1e-6, name: 'norm1' }), series);
  const attended = ap(multiHeadAttentionLayer(tf, { name: 'mha', numHeads: 2, keyDim: 4, dropout: 0.25 }), [normed, normed]);
  const res = ap(tf.layers.add({ name: 'res1' }), [ap(tf.layers.dropout({ rate: 0.25, name: 'drop1' }), attended), series]);
  const ff = ap(tf.layers.conv1d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'ff1', ...seeded(1) }), ap(tf.layers.layerNormalization({ epsilon: 1e-6, name: 'norm2' }), res));
  const out = ap(tf.layers.add({ name: 'res2' }), [ap(tf.layers.conv1d({ filters: 1, kernelSize: 1, name: 'ff2', ...seeded(2) }), ff), res]);
  const hidden = ap(tf.layers.dense({ units: 8, activation: 'relu', name: 'mlp', ...seeded(3) }), ap(pool, out));
  return tf.model({ inputs: series, outputs: ap(tf.layers.dense({ units: 2, activation: 'softmax', name: 'head', ...seeded(4) }), hidden), name: 'transformer' });
}

describe('1-D global pooling over channels first', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("Keras' time-series transformer (GlobalAveragePooling1D over channels first) loads (tfjs and Keras 3 files) and pools each step's features", async () => {
    registerChannelsFirstPooling(tf);
    const [cls] = tf.serialization.SerializationMap.getMap().classNameMap.DcChannelsFirstGlobalPooling1D as unknown as [new (a: object) => tf.layers.Layer];
    const lm = timeSeriesTransformer(new cls({ name: 'pool', pooling: 'avg' }));
    const saved = await artifactsOf(lm);
    const topology = clone(saved.modelTopology) as Json;
    // As Keras writes it.
    const entry = (topology.config as { layers: Json[] }).layers.find((l) => (l.config as Json).name === 'pool')!;
    entry.class_name = 'GlobalAveragePooling1D';
    entry.config = { name: 'pool', trainable: true, dtype: 'float32', data_format: 'channels_first', keepdims: false };
    const file = { ...saved, modelTopology: topology };

    const x = tf.tensor3d(Array.from({ length: 3 * 12 }, (_, i) => Math.sin(i * 0.7) + (i % 5) * 0.1), [3, 12, 1]);
    const encoded = (tf.model({ inputs: lm.inputs, outputs: lm.getLayer('res2').output as Sym }).predict(x) as tf.Tensor).arraySync() as number[][][];
    // Keras: the mean of each step's features.
    const pooled = tf.tensor2d(encoded.map((steps) => steps.map((features) => features.reduce((a, b) => a + b, 0) / features.length)));
    const expected = Array.from((lm.getLayer('head').apply(lm.getLayer('mlp').apply(pooled)) as tf.Tensor).dataSync());
    for (const artifacts of [file, asKeras3(file)]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      expect(model.layers.filter((l) => l.name.startsWith('pool')).map((l) => [l.name, l.config])).toEqual([
        ['pool_permute', { kind: 'permute', dims: [2, 1] }],
        ['pool_2d', { kind: 'reshape', targetShape: [1, -1, 12] }],
        ['pool', { kind: 'globalAvgPool2d' }],
      ]);
      expectRebuiltPredicts(model, x, expected, 5);
    }
    tf.dispose([x, pooled]);
    lm.dispose();
  });
});
