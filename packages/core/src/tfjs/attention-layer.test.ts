/**
 * Keras' `Attention`, which tfjs lacks: a text classifier with self-attention over its convolved
 * tokens, and one attending from a query branch over a value branch with a learned scale, load
 * (tfjs and Keras 3 files) as the scores, softmax (its dropout replayed in training) and weighted sum it computes, written out below in
 * float64; concat scores and causal masking are refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionLayer } from './attention-layer.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 7, stddev: 0.3 }) });

/**
 * Token ids [9] → embedding [9, 6] → query and value convolutions [9, 4] → Attention (self: over the
 * query itself; else the query over the value, scaled) → average over tokens → 3 classes.
 */
function classifier(self: boolean): tf.LayersModel {
  const tokens = tf.input({ shape: [9], name: 'tokens' });
  const embedded = ap(tf.layers.embedding({ inputDim: 20, outputDim: 6, name: 'embed', embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) }), tokens);
  const query = ap(tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', name: 'query', ...seeded(2) }), embedded);
  const value = ap(tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', name: 'value', ...seeded(3) }), embedded);
  const attended = ap(attentionLayer(tf, { name: 'attention', useScale: !self, dropout: self ? 0.2 : 0 }), self ? [query, query] : [query, value]);
  const pooled = ap(tf.layers.globalAveragePooling1d({ name: 'pool' }), attended);
  return tf.model({ inputs: tokens, outputs: ap(tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', ...seeded(4) }), pooled), name: self ? 'self_attention' : 'attention' });
}

/** Keras' dot-product attention of one sample's `query` [Tq, d] over `value` [Tv, d], scores scaled by `scale`, in float64. */
function attend(query: number[][], value: number[][], scale: number): number[][] {
  return query.map((q) => {
    const scores = value.map((k) => scale * k.reduce((s, kv, j) => s + kv * q[j], 0));
    const top = Math.max(...scores);
    const weights = scores.map((s) => Math.exp(s - top));
    const sum = weights.reduce((a, b) => a + b, 0);
    return value[0].map((_, j) => value.reduce((s, v, i) => s + (weights[i] / sum) * v[j], 0));
  });
}

describe("Keras' Attention", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['self-attention over the query', true],
    ['a query over a value, with a learned scale', false],
  ])('a text classifier with %s loads (tfjs and Keras 3 files) as scores, softmax and a weighted sum', async (_what, self) => {
    const lm = classifier(self);
    if (!self) lm.getLayer('attention').setWeights([tf.scalar(0.7)]);
    const x = tf.tensor2d(Array.from({ length: 4 * 9 }, (_, i) => (i * 7) % 20), [4, 9]);
    const layer = (name: string, t: tf.Tensor) => lm.getLayer(name).apply(t) as tf.Tensor;
    const embedded = layer('embed', x);
    const query = layer('query', embedded).arraySync() as number[][][];
    // Self-attention has no value branch: the model holds no such layer.
    const value = self ? query : (layer('value', embedded).arraySync() as number[][][]);
    const attended = query.map((q, s) => attend(q, value[s], self ? 1 : 0.7));
    const expected = Array.from(layer('head', layer('pool', tf.tensor3d(attended))).dataSync());
    expect(Array.from(predictions(lm, x))).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    for (const artifacts of [await artifactsOf(lm), asKeras3(await artifactsOf(lm))]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      const nodes = model.layers.filter((l) => l.name.startsWith('attention')).map((l) => [l.name, l.config, l.inputs]);
      expect(nodes).toEqual([
        ['attention_scores', { kind: 'dot', axes: [2, 2], normalize: false }, ['query_1d', self ? 'query_1d' : 'value_1d']],
        ...(self ? [] : [['attention_scale', { kind: 'rescale', scale: expect.closeTo(0.7, 6), offset: 0 }, ['attention_scores']]]),
        ['attention_weights', { kind: 'activation', activation: 'softmax' }, [self ? 'attention_scores' : 'attention_scale']],
        // Keras' dropout of the weights (0.2 in the self-attention classifier), replayed while retraining.
        ...(self ? [['attention_dropout', { kind: 'dropout', rate: 0.2 }, ['attention_weights']]] : []),
        ['attention', { kind: 'dot', axes: [2, 1], normalize: false }, [self ? 'attention_dropout' : 'attention_weights', self ? 'query_1d' : 'value_1d']],
      ]);
      expectRebuiltPredicts(model, x, expected, 5);
    }
    x.dispose();
    lm.dispose();
  });

  it('refuses concat scores and causal masking by name', async () => {
    const lm = classifier(true);
    const edited = async (edit: (layer: Json) => void) => {
      const artifacts = await artifactsOf(lm);
      edit(((artifacts.modelTopology as Json).config as { layers: Json[] }).layers.find((l) => (l.config as Json).name === 'attention')!);
      return loadModel(handlerOf(artifacts), { tf });
    };
    await expect(edited((l) => ((l.config as Json).scoreMode = 'concat'))).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "attention" \(Attention\): score_mode "concat" is not supported$/) });
    const causal = (l: Json) => {
      const calls = l.inbound_nodes as unknown[][][];
      calls[0] = calls[0].map((input) => [...input.slice(0, 3), { use_causal_mask: true }]);
    };
    await expect(edited(causal)).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "attention" \(Attention\): causal masking is not supported$/) });
    // Keras 2.10 and before: in the config.
    await expect(edited((l) => ((l.config as Json).causal = true))).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/causal masking is not supported$/) });
    lm.dispose();
  });
});
