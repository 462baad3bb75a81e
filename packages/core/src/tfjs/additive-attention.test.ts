/**
 * Keras' `AdditiveAttention`, which tfjs lacks: a text classifier attending from its tokens over
 * themselves, and one attending over a shorter value with its own key (learned scale or none),
 * load (tfjs and Keras 3 files) as the scores `Σ scale · tanh(q + k)`, softmax (its dropout
 * replayed in training) and weighted sum Keras computes, written out below in float64; causal
 * masking is refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { additiveAttentionLayer } from './additive-attention.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 7, stddev: 0.3 }) });
const conv = (name: string, filters: number, strides: number, seed: number) => tf.layers.conv1d({ filters, kernelSize: 3, strides, padding: 'same', name, ...seeded(seed) });

/**
 * Token ids [9] → embedding [9, 6] → query [9, 4] → AdditiveAttention over the query itself, or
 * over a value [3, 5] with a key [3, 4] (strided convolutions) → average over tokens → 3 classes.
 */
function classifier(self: boolean, useScale: boolean): tf.LayersModel {
  const tokens = tf.input({ shape: [9], name: 'tokens' });
  const embedded = ap(tf.layers.embedding({ inputDim: 20, outputDim: 6, name: 'embed', embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) }), tokens);
  const query = ap(conv('query', 4, 1, 2), embedded);
  const attention = additiveAttentionLayer(tf, { name: 'attention', useScale, dropout: self ? 0.2 : 0 });
  const attended = ap(attention, self ? [query, query] : [query, ap(conv('value', 5, 3, 3), embedded), ap(conv('key', 4, 3, 4), embedded)]);
  const pooled = ap(tf.layers.globalAveragePooling1d({ name: 'pool' }), attended);
  return tf.model({ inputs: tokens, outputs: ap(tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', ...seeded(5) }), pooled), name: 'additive' });
}

/** Keras' additive attention of one sample's `query` [Tq, d] over `value` [Tv, dv] with `key` [Tv, d], in float64. */
function attend(query: number[][], value: number[][], key: number[][], scale: readonly number[]): number[][] {
  return query.map((q) => {
    const scores = key.map((k) => k.reduce((s, kv, j) => s + scale[j] * Math.tanh(q[j] + kv), 0));
    const top = Math.max(...scores);
    const weights = scores.map((s) => Math.exp(s - top));
    const sum = weights.reduce((a, b) => a + b, 0);
    return value[0].map((_, j) => value.reduce((s, v, i) => s + (weights[i] / sum) * v[j], 0));
  });
}

describe("Keras' AdditiveAttention", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['self-attention with a learned scale (and dropout)', true, true],
    ['a query over a shorter value with its own key, scaled', false, true],
    ['a query over a value and key without a scale', false, false],
  ])('a text classifier with %s loads (tfjs and Keras 3 files) as Keras computes it', async (_what, self, useScale) => {
    const lm = classifier(self, useScale);
    const scale = [0.7, -1.2, 0.4, 1.5];
    if (useScale) lm.getLayer('attention').setWeights([tf.tensor1d(scale)]);
    const x = tf.tensor2d(Array.from({ length: 4 * 9 }, (_, i) => (i * 7) % 20), [4, 9]);
    const layer = (name: string, t: tf.Tensor) => lm.getLayer(name).apply(t) as tf.Tensor;
    const embedded = layer('embed', x);
    const query = layer('query', embedded).arraySync() as number[][][];
    const value = self ? query : (layer('value', embedded).arraySync() as number[][][]);
    const key = self ? query : (layer('key', embedded).arraySync() as number[][][]);
    const attended = query.map((q, s) => attend(q, value[s], key[s], useScale ? scale : [1, 1, 1, 1]));
    const expected = Array.from((layer('head', layer('pool', tf.tensor3d(attended))) as tf.Tensor).dataSync());
    expect(Array.from(predictions(lm, x))).toEqual(expected.map((v) => expect.closeTo(v, 5)));

    const artifacts = await artifactsOf(lm);
    for (const file of [artifacts, asKeras3(artifacts)]) {
      const { model } = await loadModel(handlerOf(file), { tf });
      const nodes = model.layers.filter((l) => l.name.startsWith('attention'));
      expect(nodes.map((l) => `${l.name}:${l.config.kind}`)).toEqual([
        'attention_query_steps:reshape',
        'attention_query_grid:upSampling2d',
        'attention_key_steps:reshape',
        'attention_key_grid:upSampling2d',
        'attention_sum:add',
        'attention_tanh:activation',
        'attention_scores:conv2d',
        'attention_scores_2d:reshape',
        'attention_weights:activation',
        ...(self ? ['attention_dropout:dropout'] : []),
        'attention_value_steps:reshape',
        'attention:dot',
      ]);
      expect(Array.from(nodes.find((l) => l.name === 'attention_scores')!.params.kernel!.values)).toEqual(useScale ? scale.map((v) => Math.fround(v)) : [1, 1, 1, 1]);
      expectRebuiltPredicts(model, x, expected, 5);
    }
    tf.dispose([x, embedded]);
    lm.dispose();
  });

  it('refuses causal masking by name', async () => {
    const lm = classifier(true, true);
    const artifacts = await artifactsOf(lm);
    const topology = JSON.parse(JSON.stringify(artifacts.modelTopology)) as Json;
    const layers = (topology.config as { layers: Json[] }).layers;
    const attention = layers.find((l) => l.class_name === 'AdditiveAttention')!;
    attention.config = { ...(attention.config as Json), causal: true };
    await expect(loadModel(handlerOf({ ...artifacts, modelTopology: topology }), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "attention" \(AdditiveAttention\): causal masking is not supported$/) });
    lm.dispose();
  });
});
