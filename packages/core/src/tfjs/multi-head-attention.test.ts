/**
 * Keras' `MultiHeadAttention`, which tfjs lacks: a time-series transformer block (self-attention,
 * two heads, a residual add and layer normalisation) and an image model attending from one
 * convolution over two others (three heads, value and output sizes of their own, no biases) load
 * — from tfjs files, Keras 2's (value and key as keyword arguments) and Keras 3's (positional or
 * named) — as the projections, scores, softmax and sums Keras computes, written out below in
 * float64; masks, returned scores and partial attention axes are refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactsOf, asKeras3, clone, handlerOf, tensor, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';
import { multiHeadAttentionLayer } from './multi-head-attention.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 7, stddev: 0.3 }) });
/** Deterministic values in (−0.6, 0.6), different per `seed`. */
const filled = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 0.6 * Math.sin(1.7 * i + seed * 3.1));

/** Steps [10, 4] → layer norm → self-attention (2 heads of 3) → + steps → average over steps → 3 classes. */
function transformerBlock(): tf.LayersModel {
  const steps = tf.input({ shape: [10, 4], name: 'steps' });
  const normed = ap(tf.layers.layerNormalization({ name: 'norm' }), steps);
  const attended = ap(multiHeadAttentionLayer(tf, { name: 'mha', numHeads: 2, keyDim: 3, dropout: 0.1 }), [normed, normed]);
  const residual = ap(tf.layers.add({ name: 'residual' }), [attended, steps]);
  const pooled = ap(tf.layers.globalAveragePooling1d({ name: 'pool' }), residual);
  return tf.model({ inputs: steps, outputs: ap(tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', ...seeded(4) }), pooled), name: 'transformer_block' });
}

/** An image [3, 3, 2] → 1×1 convolutions q (4), v (5), k (3) → attention (3 heads, key 2, value 4, out 6, no biases) → average → 2 classes. */
function imageCrossAttention(): tf.LayersModel {
  const image = tf.input({ shape: [3, 3, 2], name: 'image' });
  const conv = (name: string, filters: number, seed: number) => ap(tf.layers.conv2d({ filters, kernelSize: 1, name, ...seeded(seed) }), image);
  const [q, v, k] = [conv('q', 4, 1), conv('v', 5, 2), conv('k', 3, 3)];
  const attended = ap(multiHeadAttentionLayer(tf, { name: 'mha', numHeads: 3, keyDim: 2, valueDim: 4, outputShape: 6, useBias: false }), [q, v, k]);
  const pooled = ap(tf.layers.globalAveragePooling2d({ name: 'pool' }), attended);
  return tf.model({ inputs: image, outputs: ap(tf.layers.dense({ units: 2, activation: 'softmax', name: 'head', ...seeded(5) }), pooled), name: 'image_cross_attention' });
}

interface Projection {
  readonly kernel: number[];
  readonly bias?: number[];
}

/**
 * Keras' multi-head attention of one sample in float64: `query` [positions, d], `value` and `key`
 * [positions', d'], kernels `[d, heads, dim]` (output `[heads, valueDim, out]`) flattened row-major.
 */
function attend(query: number[][], value: number[][], key: number[][], w: Record<'query' | 'key' | 'value' | 'output', Projection>, heads: number, keyDim: number, valueDim: number, out: number): number[][] {
  const project = (x: number[][], p: Projection, dim: number) =>
    x.map((row) => Array.from({ length: heads }, (_, h) => Array.from({ length: dim }, (_, j) => row.reduce((s, xv, d) => s + xv * p.kernel[(d * heads + h) * dim + j], p.bias?.[h * dim + j] ?? 0))));
  const [q, k, v] = [project(query, w.query, keyDim), project(key, w.key, keyDim), project(value, w.value, valueDim)];
  return q.map((qt) => {
    const joined = Array.from({ length: heads }, (_, h) => {
      const scores = k.map((ks) => ks[h].reduce((s, kv, j) => s + kv * qt[h][j], 0) / Math.sqrt(keyDim));
      const top = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - top));
      const sum = e.reduce((a, b) => a + b, 0);
      return Array.from({ length: valueDim }, (_, j) => v.reduce((s, vs, i) => s + (e[i] / sum) * vs[h][j], 0));
    });
    return Array.from({ length: out }, (_, o) => joined.reduce((s, head, h) => s + head.reduce((t, x, j) => t + x * w.output.kernel[(h * valueDim + j) * out + o], 0), w.output.bias?.[o] ?? 0));
  });
}

/** Sets the attention layer's weights to deterministic values; returns them by projection. */
function setAttentionWeights(lm: tf.LayersModel): Record<'query' | 'key' | 'value' | 'output', Projection> {
  const layer = lm.getLayer('mha');
  const values = layer.weights.map((w, i) => filled((w.shape as number[]).reduce((a, b) => a * b, 1), i + 1));
  layer.setWeights(layer.weights.map((w, i) => tf.tensor(values[i], w.shape as number[])));
  const byName = new Map(layer.weights.map((w, i) => [w.originalName.split('/').slice(-2).join('/'), values[i]]));
  const p = (name: string): Projection => ({ kernel: byName.get(`${name}/kernel`)!, ...(byName.has(`${name}/bias`) ? { bias: byName.get(`${name}/bias`)! } : {}) });
  return { query: p('query'), key: p('key'), value: p('value'), output: p('attention_output') };
}

/** The layer entries of a saved model's topology. */
const layersOf = (artifacts: tf.io.ModelArtifacts) => {
  const top = artifacts.modelTopology as Json;
  return ((('model_config' in top ? top.model_config : top) as Json).config as { layers: Json[] }).layers;
};
const attentionEntry = (artifacts: tf.io.ModelArtifacts) => layersOf(artifacts).find((l) => (l.config as Json).name === 'mha')!;

/** The tfjs file as Keras 2 writes the call: the query as the input, the value (and key) as keyword arguments. */
function asKeras2Call(saved: tf.io.ModelArtifacts, extra: Json = {}): tf.io.ModelArtifacts {
  const artifacts = { ...saved, modelTopology: clone(saved.modelTopology) };
  const entry = attentionEntry(artifacts);
  const [[query, value, key]] = entry.inbound_nodes as [string, number, number, Json][][];
  entry.inbound_nodes = [[[...query.slice(0, 3), { value: value.slice(0, 3), ...(key ? { key: key.slice(0, 3) } : {}), ...extra }]]];
  return artifacts;
}

/** The Keras 3 file with the call's tensors positional (`mha(q, v, k)`) or by name (`mha(query=q, value=v, key=k)`). */
function asKeras3Call(saved: tf.io.ModelArtifacts, named: boolean): tf.io.ModelArtifacts {
  const artifacts = asKeras3(saved);
  const entry = attentionEntry(artifacts);
  const [call] = entry.inbound_nodes as { args: Json[][] }[];
  const tensors = call.args[0];
  entry.inbound_nodes = [named ? { args: [], kwargs: Object.fromEntries(tensors.map((t, i) => [['query', 'value', 'key'][i], t])) } : { args: tensors, kwargs: {} }];
  return artifacts;
}

describe("Keras' MultiHeadAttention", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['a time-series transformer block (self-attention, 2 heads)', transformerBlock, [4, 10, 4]],
    ['an image model attending from one convolution over two others (3 heads, no biases)', imageCrossAttention, [3, 3, 3, 2]],
  ] as const)('%s loads (tfjs, Keras 2 and Keras 3 files) as what Keras computes', async (_what, build, inputShape) => {
    const lm = build();
    const w = setAttentionWeights(lm);
    const config = lm.getLayer('mha').getConfig() as { numHeads: number; keyDim: number; valueDim: number | null; outputShape: number | null };
    const x = tf.tensor(filled(inputShape.reduce((a, b) => a * b, 1), 9).map((v) => 3 * v), [...inputShape]);
    const layer = (name: string, t: tf.Tensor | tf.Tensor[]) => lm.getLayer(name).apply(t) as tf.Tensor;
    const self = build === transformerBlock;
    const rows = (t: tf.Tensor) => (t.reshape([t.shape[0], -1, t.shape[t.shape.length - 1]]).arraySync() as number[][][]);
    const [q, v, k] = self ? [layer('norm', x), layer('norm', x), layer('norm', x)] : [layer('q', x), layer('v', x), layer('k', x)];
    const [heads, keyDim, valueDim] = [config.numHeads, config.keyDim, config.valueDim ?? config.keyDim];
    const out = config.outputShape ?? q.shape[q.shape.length - 1];
    const attended = rows(q).map((qs, s) => attend(qs, rows(v)[s], rows(k)[s], w, heads, keyDim, valueDim, out));
    const attendedTensor = tf.tensor(attended.flat(2), [...q.shape.slice(0, -1), out]);
    const expected = Array.from(layer('head', layer('pool', self ? layer('residual', [attendedTensor, x]) : attendedTensor)).dataSync());
    expect(Array.from(predictions(lm, x))).toEqual(expected.map((e) => expect.closeTo(e, 5)));

    const saved = await artifactsOf(lm);
    for (const artifacts of [saved, asKeras2Call(saved), asKeras3Call(saved, false), asKeras3Call(saved, true)]) {
      const { model } = await loadModel(handlerOf(artifacts), { tf });
      const names = model.layers.map((l) => l.name).filter((n) => n.startsWith('mha'));
      // The block's attention dropout (0.1) is replayed while retraining: a dropout node per head.
      const perHead = (h: number) => [`mha_query_${h}`, `mha_query_${h}_nd`, `mha_key_${h}`, `mha_key_${h}_nd`, `mha_value_${h}`, `mha_value_${h}_nd`, `mha_scores_${h}`, `mha_scaled_${h}`, `mha_weights_${h}`, ...(self ? [`mha_dropout_${h}`] : []), `mha_head_${h}`];
      const inputs = self ? ['mha_query_2d'] : ['mha_query_2d', 'mha_key_2d', 'mha_value_2d'];
      const expectedNames = Array.from({ length: heads }, (_, h) => perHead(h)).flat();
      expect(new Set(names)).toEqual(new Set([...inputs, ...expectedNames, 'mha_heads', 'mha_heads_2d', 'mha_output', 'mha_output_nd', 'mha']));
      const scaled = model.layers.find((l) => l.name === 'mha_scaled_0')!;
      expect(scaled.config).toEqual({ kind: 'rescale', scale: 1 / Math.sqrt(keyDim), offset: 0 });
      if (self) expect(model.layers.find((l) => l.name === 'mha_dropout_1')).toMatchObject({ config: { kind: 'dropout', rate: 0.1 }, inputs: ['mha_weights_1'] });
      const queryKernel = model.layers.find((l) => l.name === 'mha_query_1')!.params.kernel!;
      const features = q.shape[q.shape.length - 1];
      expect(queryKernel.shape).toEqual([1, 1, features, keyDim]);
      // Head 1's slice of Keras' [features, heads, keyDim] kernel.
      expect(Array.from(queryKernel.values)).toEqual(Array.from({ length: features * keyDim }, (_, i) => Math.fround(w.query.kernel[(Math.floor(i / keyDim) * heads + 1) * keyDim + (i % keyDim)])));
      expectRebuiltPredicts(model, x, expected, 5);
    }
    tf.dispose([x, q, v, k, attendedTensor]);
    lm.dispose();
  });

  it('refuses causal masking, attention masks, returned scores, partial attention axes and masked inputs by name', async () => {
    const lm = transformerBlock();
    const saved = await artifactsOf(lm);
    const load = (artifacts: tf.io.ModelArtifacts) => loadModel(handlerOf(artifacts), { tf });
    const refused = (why: RegExp) => ({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(new RegExp(`layer "mha" \\(MultiHeadAttention\\): ${why.source}$`)) });
    await expect(load(asKeras2Call(saved, { use_causal_mask: true }))).rejects.toMatchObject(refused(/causal masking is not supported/));
    await expect(load(asKeras2Call(saved, { return_attention_scores: true }))).rejects.toMatchObject(refused(/returning the attention scores is not supported \(a second output\)/));
    await expect(load(asKeras2Call(saved, { attention_mask: ['steps', 0, 0] }))).rejects.toMatchObject({ code: 'UNSUPPORTED_TOPOLOGY', message: expect.stringMatching(/layer "mha" is called with a tensor as "attention_mask"$/) });
    const keras3 = asKeras3Call(saved, false);
    (attentionEntry(keras3).inbound_nodes as { kwargs: Json }[])[0].kwargs.attention_mask = tensor(['steps', 0, 0], [null, 10, 4]);
    await expect(load(keras3)).rejects.toMatchObject({ code: 'UNSUPPORTED_TOPOLOGY', message: expect.stringMatching(/layer "mha" is called with a tensor as "attention_mask"$/) });
    const axes = { ...saved, modelTopology: clone(saved.modelTopology) };
    (attentionEntry(axes).config as Json).attention_axes = [2];
    await expect(load(axes)).rejects.toMatchObject(refused(/attention_axes \[2\] attends over some positions only; attention over every position \(attention_axes unset\) is supported/));
    lm.dispose();

    // Keras leaves out the masked tokens; dc's layer (and so the IR) would attend to them.
    const tokens = tf.input({ shape: [6], name: 'tokens' });
    const embedded = ap(tf.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: 'embed' }), tokens);
    const attended = ap(multiHeadAttentionLayer(tf, { name: 'mha', numHeads: 1, keyDim: 2 }), [embedded, embedded]);
    const masked = tf.model({ inputs: tokens, outputs: ap(tf.layers.dense({ units: 2, name: 'head' }), ap(tf.layers.globalAveragePooling1d({ name: 'pool' }), attended)) });
    await expect(load(await artifactsOf(masked))).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "mha" \(MultiHeadAttention\): its inputs carry a mask .*drop maskZero \/ Masking, or pad with tokens the model attends to$/) });
    masked.dispose();
  });
});
