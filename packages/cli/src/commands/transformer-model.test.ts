/**
 * A user's small vision transformer on MNIST — each image's rows as 28 tokens, a Keras
 * `MultiHeadAttention` block with residual adds, layer norms and a feed-forward MLP — trained
 * briefly and saved as model.json: `dc compress` prunes, retrains, clusters and writes it (each
 * head's projections compressed on their own), the written file runs, and `dc export` gives a
 * model.json plain tfjs loads, without dc, predicting what the file predicts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiHeadAttentionLayer } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dcJson } from '../run-dc.test-support.js';
import { compressedBriefly, expectExportPredictsAsFile, seedMathRandom, trainedOnMnist } from './mnist-fixture.test-support.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** Rows as tokens → Dense(16) → [norm → self-attention (2 heads of 8) → add → norm → MLP → add] → pooled → softmax; 2 epochs on 2,000 digits. */
async function savedTransformer(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  let seed = 1;
  const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) });
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  const tokens = ap(tf.layers.dense({ units: 16, name: 'embed', ...init() }), ap(tf.layers.reshape({ targetShape: [28, 28], name: 'rows' }), input));
  const normed = ap(tf.layers.layerNormalization({ name: 'norm1' }), tokens);
  const attended = ap(tf.layers.add({ name: 'add1' }), [tokens, ap(multiHeadAttentionLayer(tf, { name: 'mha', numHeads: 2, keyDim: 8, dropout: 0.1 }), [normed, normed])]);
  const mlp = ap(tf.layers.dense({ units: 16, name: 'mlp2', ...init() }), ap(tf.layers.dense({ units: 32, activation: 'relu', name: 'mlp1', ...init() }), ap(tf.layers.layerNormalization({ name: 'norm2' }), attended)));
  const pooled = ap(tf.layers.globalAveragePooling1d({ name: 'pool' }), ap(tf.layers.add({ name: 'add2' }), [attended, mlp]));
  const lm = tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 10, activation: 'softmax', name: 'logits', ...init() }), pooled), name: 'mnist_transformer' });
  return trainedOnMnist(lm, dir, { digits: 2000, epochs: 2, learningRate: 0.005, batchSize: 32 });
}

describe("a vision transformer with Keras' MultiHeadAttention", () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    // The attention's dropout and its unseeded kernel initializers draw from Math.random: seeded,
    // the briefly trained model and its retraining are the same in every run.
    seedMathRandom(5);
    dir = mkdtempSync(join(tmpdir(), 'dc-transformer-'));
    modelJson = await savedTransformer(join(dir, 'model'));
  }, 180_000);
  afterAll(() => vi.restoreAllMocks());

  it('compresses with retraining, each head on its own; the file runs at about the baseline error, and tfjs loads the export alone', async () => {
    const out = join(dir, 'transformer.dcm');
    await compressedBriefly(modelJson, out, 0.5, 5);

    const inspected = (await dcJson('inspect', out)).result as { nodes: { name: string; kind: string; params: number; kept: number; bits: number | null }[] };
    const node = (name: string) => inspected.nodes.find((n) => n.name === name)!;
    expect(['mha_query_0', 'mha_scores_0', 'mha_scaled_0', 'mha_weights_0', 'mha_head_0', 'mha_heads', 'mha_output', 'mha'].map((n) => [n, node(n).kind])).toEqual([
      ['mha_query_0', 'conv2d'],
      ['mha_scores_0', 'dot'],
      ['mha_scaled_0', 'rescale'],
      ['mha_weights_0', 'activation'],
      ['mha_head_0', 'dot'],
      ['mha_heads', 'concatenate'],
      ['mha_output', 'conv2d'],
      ['mha', 'reshape'],
    ]);
    // Each head's projections are pruned and clustered on their own: half their kernel gone, 5-bit codes.
    for (const name of ['mha_query_0', 'mha_key_1', 'mha_value_1', 'mha_output']) {
      const { params, kept, bits } = node(name);
      expect(kept, name).toBeLessThanOrEqual(Math.ceil(0.5 * params) + 16);
      expect(bits, name).toBe(5);
    }

    const exported = (await dcJson('export', out, '-o', join(dir, 'exported'))).result;
    expect(exported.register).toEqual([]);
    // Plain tfjs, no dc registration: tfjs's own layers compute what the file computes.
    await expectExportPredictsAsFile(exported.modelJson, out);
    expect(readFileSync(exported.modelJson, 'utf8')).not.toContain('MultiHeadAttention');
  }, 240_000);
});
