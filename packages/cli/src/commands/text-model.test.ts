import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESET_AFTER_GRU_CLASS, resetAfterGru } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { fitAndSave, onWasm } from './conv-fixture.test-support.js';
import { DIMENSIONS, LENGTH, reviews, VOCABULARY } from './reviews.test-support.js';

/**
 * A user's sentiment classifier, trained with tfjs: Embedding → GlobalAveragePooling1D (or an
 * LSTM) → Dense → Dense; `length` null reads reviews of any length (Keras's `Input(shape=(None,))`). On tfjs-wasm with dc's training kernels: tfjs's pure-JS cpu backend takes ~80× as long
 * over an embedding's gradient (its UnsortedSegmentSum makes tensors per vocabulary row).
 */
async function savedSentimentNet(dir: string, train: { xs: Float32Array; ys: Int32Array }, reader: 'mean' | 'lstm' | 'bidirectional' | 'keras-gru' = 'mean', head: 'softmax' | 'sigmoid' | 'margin' = 'softmax', length: number | null = LENGTH): Promise<string> {
  return onWasm(async () => {
    const lm = tf.sequential({ name: 'sentiment' });
    lm.add(tf.layers.embedding({ inputShape: [length], inputDim: VOCABULARY, outputDim: DIMENSIONS, name: 'embed', embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }) }));
    if (reader === 'mean') lm.add(tf.layers.globalAveragePooling1d({ name: 'mean' }));
    // Keras' GRU (reset_after=True), which tf.layers.gru cannot build: dc's layer trains it here, as Keras would.
    else if (reader === 'keras-gru') lm.add(resetAfterGru(tf, { units: 16, name: 'gru', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 5 }) }));
    else {
      const lstm = tf.layers.lstm({ units: reader === 'lstm' ? 16 : 8, name: 'lstm', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 5 }) });
      lm.add(reader === 'lstm' ? lstm : tf.layers.bidirectional({ layer: lstm as tf.RNN, name: 'bilstm' }));
    }
    lm.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
    // tfjs's own sentiment example ends in one sigmoid unit trained with binaryCrossentropy; an SVM-style head is one linear margin trained by hinge.
    lm.add(tf.layers.dense({ units: head === 'softmax' ? 2 : 1, activation: head === 'margin' ? 'linear' : head, name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
    lm.compile({ optimizer: tf.train.adam(reader === 'mean' ? 1e-2 : 3e-3), loss: { softmax: 'sparseCategoricalCrossentropy', sigmoid: 'binaryCrossentropy', margin: 'hinge' }[head], metrics: ['accuracy'] });
    const n = train.ys.length;
    // tfjs-layers' hinge takes labels as given: −1/1 (dc, as Keras, also takes 0/1 as −1/1).
    const [xs, ys] = [tf.tensor2d(train.xs, [n, LENGTH]), tf.tensor1d(head === 'margin' ? train.ys.map((y) => 2 * y - 1) : train.ys, 'float32')];
    return fitAndSave(lm, xs, ys, reader === 'mean' ? 30 : 13, dir, { ...(head === 'margin' ? { loss: 'hinge' } : {}) });
  });
}

/**
 * A user's self-attention reader of the same reviews, built from tfjs layers (tfjs has no attention
 * layer): query, key and value projections of the embedding, scores `Dot(axes 2)(q, k)`, a softmax
 * over the keys, the context `Dot(axes [2, 1])(scores, v)` added back to the embedding and layer
 * normalised, then averaged over the tokens into the head.
 */
async function savedAttentionReader(dir: string, train: { xs: Float32Array; ys: Int32Array }): Promise<string> {
  return onWasm(async () => {
    const apply = (layer: { apply(x: tf.SymbolicTensor | tf.SymbolicTensor[]): unknown }, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
    const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }) });
    const ids = tf.input({ shape: [LENGTH], name: 'ids' });
    const embedded = apply(tf.layers.embedding({ inputDim: VOCABULARY, outputDim: DIMENSIONS, name: 'embed', embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }) }), ids);
    const [q, k, v] = (['query', 'key', 'value'] as const).map((name, i) => apply(tf.layers.dense({ units: DIMENSIONS, name, ...init(10 + i) }), embedded));
    const scores = apply(tf.layers.softmax({ axis: -1, name: 'attend' }), apply(tf.layers.dot({ axes: 2, name: 'scores' }), [q, k]));
    const context = apply(tf.layers.dot({ axes: [2, 1], name: 'context' }), [scores, v]);
    const normed = apply(tf.layers.layerNormalization({ name: 'norm' }), apply(tf.layers.add({ name: 'residual' }), [embedded, context]));
    const hidden = apply(tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden', ...init(2) }), apply(tf.layers.globalAveragePooling1d({ name: 'mean' }), normed));
    const head = apply(tf.layers.dense({ units: 2, activation: 'softmax', name: 'head', ...init(3) }), hidden);
    const lm = tf.model({ inputs: ids, outputs: head, name: 'attention-reader' });
    lm.compile({ optimizer: tf.train.adam(5e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const n = train.ys.length;
    const [xs, ys] = [tf.tensor2d(train.xs, [n, LENGTH]), tf.tensor1d(train.ys, 'float32')];
    return fitAndSave(lm, xs, ys, 15, dir);
  });
}

/**
 * Each token's tag: 0 padding, 1 a word of praise, 2 of blame, 3 neutral; a word right after a
 * negation (ids 121..130) flips between praise and blame, so the tag reads the token before too.
 */
function tagsOf(xs: Float32Array): Int32Array {
  const tags = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const id = xs[i];
    const negated = i % LENGTH > 0 && xs[i - 1] >= 121 && xs[i - 1] <= 130;
    const tone = id >= 1 && id <= 60 ? 1 : id >= 61 && id <= 120 ? 2 : 0;
    tags[i] = id === 0 ? 0 : tone === 0 ? 3 : negated ? 3 - tone : tone;
  }
  return tags;
}

/** A user's text CNN, as Keras' text classification examples build it: Embedding → Conv1D → MaxPooling1D → Flatten → Dense softmax. */
async function savedTextCnn(dir: string, train: { xs: Float32Array; ys: Int32Array }): Promise<string> {
  return onWasm(async () => {
    const lm = tf.sequential({ name: 'text-cnn' });
    lm.add(tf.layers.embedding({ inputShape: [LENGTH], inputDim: VOCABULARY, outputDim: DIMENSIONS, name: 'embed', embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }) }));
    lm.add(tf.layers.conv1d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'conv', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
    lm.add(tf.layers.maxPooling1d({ poolSize: 2, name: 'pool' }));
    lm.add(tf.layers.flatten({ name: 'flat' }));
    lm.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
    lm.compile({ optimizer: tf.train.adam(5e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const n = train.ys.length;
    const [xs, ys] = [tf.tensor2d(train.xs, [n, LENGTH]), tf.tensor1d(train.ys, 'float32')];
    return fitAndSave(lm, xs, ys, 12, dir);
  });
}

/** A user's token tagger: Embedding → a Conv1D over each token and its neighbours → TimeDistributed(Dense) softmax per token. */
async function savedTagger(dir: string, xs: Float32Array): Promise<string> {
  return onWasm(async () => {
    const lm = tf.sequential({ name: 'tagger' });
    lm.add(tf.layers.embedding({ inputShape: [LENGTH], inputDim: VOCABULARY, outputDim: DIMENSIONS, name: 'embed', embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }) }));
    lm.add(tf.layers.conv1d({ filters: 24, kernelSize: 3, padding: 'same', activation: 'relu', name: 'context', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
    lm.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }), name: 'tag' }));
    lm.compile({ optimizer: tf.train.adam(1e-2), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const n = xs.length / LENGTH;
    const [x, y] = [tf.tensor2d(xs, [n, LENGTH]), tf.tensor3d(tagsOf(xs), [n, LENGTH, 1], 'float32')];
    return fitAndSave(lm, x, y, 20, dir);
  });
}

describe('a sentiment classifier over token ids (Embedding, then GlobalAveragePooling1D or an LSTM) from .npy data', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-text-'));
    const [train, test] = [reviews(1200, 1), reviews(400, 2)];
    for (const [name, d] of [['train', train], ['test', test]] as const) {
      // Token ids as a tokenizer saves them: int32.
      writeFileSync(join(dir, `${name}-x.npy`), Buffer.from(dump(Int32Array.from(d.xs), [d.ys.length, LENGTH])));
      writeFileSync(join(dir, `${name}-y.npy`), Buffer.from(dump(d.ys, [d.ys.length])));
    }
    // Post-training plans calibrate on the first 240 training reviews: every allocation they verify runs them all.
    writeFileSync(join(dir, 'calibration-x.npy'), Buffer.from(dump(Int32Array.from(train.xs.subarray(0, 240 * LENGTH)), [240, LENGTH])));
    modelJson = await savedSentimentNet(join(dir, 'model'), train);
  }, 120_000);

  /**
   * `dc compress` of `modelJson` into `out`, retrained on the training reviews with `settings` or,
   * with `'no-retrain'`, calibrated on the first 240 of them; checks that it wrote `out` and returns
   * its JSON report.
   */
  async function compress(modelJson: string, out: string, settings: string[] | 'no-retrain') {
    // A plan on calibration inputs is judged against the original's outputs: it takes no labels.
    const from = settings === 'no-retrain' ? ['--no-retrain', '--calibration', join(dir, 'calibration-x.npy')] : ['--data', join(dir, 'train-x.npy'), '--labels', join(dir, 'train-y.npy'), '--test-labels', join(dir, 'test-y.npy'), ...settings];
    const { result } = await dcJson('compress', modelJson, ...from, '--test-data', join(dir, 'test-x.npy'), '-o', out);
    expect(result.fileBytes).toBe(statSync(out).size);
    return result;
  }

  it('prunes the embedding table with the layers, retrains, clusters and writes it; the file classifies the 400 test reviews nearly as well as the original', async () => {
    const out = join(dir, 'sentiment.dcm');
    const settings = ['--sparsity', 'embed=0.8', '--bits', '4', '--prune-epochs', '5', '--prune-lr', '0.005', '--cluster-epochs', '2', '--cluster-lr', '0.001'];
    const result = await compress(modelJson, out, settings);
    // Token ids go in as they are, whatever their dtype (a uint8 .npy would not be scaled by 1/255).
    expect(result.preprocessing).toMatchObject({ preprocessing: { scale: [1], offset: [0] }, source: 'token ids' });
    expect(result.fileBytes * 15).toBeLessThan(VOCABULARY * DIMENSIONS * 4);
    expect(result.baselineTestError).toBeLessThanOrEqual(5);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const inspect = (await dcJson('inspect', out)).result;
    // 80% of the table's 6,400 entries are exact zeros the file does not store.
    expect(inspect.nodes[0]).toMatchObject({ name: 'embed', kind: 'embedding', outputShape: [LENGTH, DIMENSIONS], params: VOCABULARY * DIMENSIONS, kept: (VOCABULARY * DIMENSIONS) / 5, bits: 4 });
    const run = (await dcJson('run', out, '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'))).result;
    expect([run.samples, run.testError]).toEqual([400, result.testError]);
  }, 300_000);

  it('compresses a reader of reviews of any length (model.json input [null]) at the length of the .npy rows, or at --input-shape; without either, or at a shape that does not fit, INVALID_OPTION before any training', async () => {
    const anyLength = await savedSentimentNet(join(dir, 'any-length'), reviews(1200, 1), 'mean', 'softmax', null);
    const settings = ['--sparsity', 'embed=0.8', '--bits', '4', '--prune-epochs', '5', '--prune-lr', '0.005', '--cluster-epochs', '2', '--cluster-lr', '0.001'];
    const out = join(dir, 'any-length.dcm');
    const result = await compress(anyLength, out, settings);
    expect(result.declaredInputShape).toEqual([null]);
    expect(result.baselineTestError).toBeLessThanOrEqual(5);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const inspect = (await dcJson('inspect', out)).result;
    expect(inspect.inputShape).toEqual([LENGTH]);
    expect(inspect.nodes[0]).toMatchObject({ name: 'embed', outputShape: [LENGTH, DIMENSIONS], kept: (VOCABULARY * DIMENSIONS) / 5 });
    // The file against the model it came from (loaded at the file's length) on the test reviews: retraining moved
    // the weights, so some classes differ (measured: 94.75% agree).
    const fidelity = (await dcJson('run', out, '--reference', anyLength, '--data', join(dir, 'test-x.npy'))).result;
    expect(fidelity.samples).toBe(400);
    expect(fidelity.fidelity.outputs[0].top1Agreement).toBeGreaterThanOrEqual(0.9);
    // Post-training, planned on calibration reviews: at the length of their rows.
    const calibrated = await compress(anyLength, join(dir, 'any-length-calibrated.dcm'), 'no-retrain');
    expect(calibrated.calibrationFidelity.withinBudget).toBe(true);
    expect((await dcJson('inspect', join(dir, 'any-length-calibrated.dcm'))).result.inputShape).toEqual([LENGTH]);
    // Post-training without data: --input-shape says the length.
    const noData = await dc('compress', anyLength, '--no-retrain', '-o', join(dir, 'any-length-post.dcm'));
    expect(noData.code).not.toBe(0);
    expect(noData.stderr).toMatch(/INVALID_OPTION[\s\S]*\[null\][\s\S]*--input-shape n/);
    const pinned = await dc('compress', anyLength, '--no-retrain', '--input-shape', '64', '-o', join(dir, 'any-length-post.dcm'), '--json');
    expect(pinned.code, pinned.stderr).toBe(0);
    expect((await dcJson('inspect', join(dir, 'any-length-post.dcm'))).result.inputShape).toEqual([64]);
    const wrong = await dc('compress', anyLength, '--data', join(dir, 'train-x.npy'), '--labels', join(dir, 'train-y.npy'), '--input-shape', '20,16', '-o', join(dir, 'never.dcm'));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/INVALID_OPTION[\s\S]*\[20, 16\] does not fit the model's input \[null\]/);
    // The file runs at the length it was compressed at: dc run takes no --input-shape for it.
    expect((await dc('run', out, '--data', join(dir, 'test-x.npy'), '--input-shape', '20')).stderr).toMatch(/INVALID_OPTION[\s\S]*runs at the input shape it was compressed at/);
    // A model of fixed length takes only its own.
    const fixed = await dc('compress', modelJson, '--no-retrain', '--input-shape', '21', '-o', join(dir, 'never.dcm'));
    expect(fixed.stderr).toMatch(/INVALID_OPTION[\s\S]*\[21\] does not fit the model's input \[20\]/);
  }, 300_000);

  it('compresses it without retraining from token ids as calibration inputs: within the fidelity budget on them, top-1 agreement ≥ 95% on held-out reviews', async () => {
    const result = await compress(modelJson, join(dir, 'sentiment-post-training.dcm'), 'no-retrain');
    expect(Object.keys(result.plan.allocation)).toContain('embed/kernel');
    expect(result.calibrationFidelity.withinBudget).toBe(true);
    // The budget (≥ 99% top-1 agreement) is judged on the calibration reviews; held-out reviews whose
    // two classes are close may change (measured: 97.5% agree).
    expect(result.testFidelity.outputs[0].top1Agreement).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  it('compresses an LSTM reader of the same reviews with retraining (its kernel and recurrent kernel pruned and clustered; the file runs its steps on cpu as tfjs does) and post-training', async () => {
    const modelJson = await savedSentimentNet(join(dir, 'lstm-model'), reviews(1200, 1), 'lstm');
    const out = join(dir, 'sentiment-lstm.dcm');
    const settings = ['--sparsity', 'embed=0.8,lstm=0.5', '--bits', '5', '--prune-epochs', '3', '--prune-lr', '0.005', '--cluster-epochs', '1', '--cluster-lr', '0.001'];
    const result = await compress(modelJson, out, settings);
    expect(result.baselineTestError).toBeLessThanOrEqual(8);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const lstm = (await dcJson('inspect', out)).result.nodes.find((n: { name: string }) => n.name === 'lstm');
    // Half of the kernel's 16 × 64 and the recurrent kernel's 16 × 64 weights are exact zeros; the bias is kept.
    expect(lstm).toMatchObject({ kind: 'recurrent', outputShape: [16], params: 2 * 16 * 64 + 64, kept: 16 * 64 + 64, bits: 5 });
    const run = (await dcJson('run', out, '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'))).result;
    expect([run.samples, run.testError]).toEqual([400, result.testError]);
    // Post-training too: the kernel and the recurrent kernel planned apart, each pruned to its own sparsity.
    const planned = await compress(modelJson, join(dir, 'sentiment-lstm-post.dcm'), 'no-retrain');
    expect(Object.keys(planned.plan.allocation)).toEqual(expect.arrayContaining(['lstm/kernel', 'lstm/recurrentKernel']));
    expect(planned.calibrationFidelity.withinBudget).toBe(true);
  }, 300_000);

  it('compresses a Keras GRU reader (reset_after=True, as Keras writes it: a model.json tfjs refuses) with retraining and post-training; the file runs its steps on cpu as Keras computes them', async () => {
    const saved = await savedSentimentNet(join(dir, 'gru-model'), reviews(1200, 1), 'keras-gru');
    // As Keras' converter writes it: a GRU with reset_after, its weights under the cell.
    const json = JSON.parse(readFileSync(saved, 'utf8'));
    const text = JSON.stringify(json).replaceAll(`"class_name":"${RESET_AFTER_GRU_CLASS}"`, '"class_name":"GRU"').replaceAll('"name":"gru/', '"name":"gru/gru_cell/');
    writeFileSync(saved, text);
    expect(text).toContain('"reset_after":true');
    const out = join(dir, 'sentiment-gru.dcm');
    const settings = ['--sparsity', 'embed=0.8,gru=0.5', '--bits', '5', '--prune-epochs', '3', '--prune-lr', '0.005', '--cluster-epochs', '1', '--cluster-lr', '0.001'];
    const result = await compress(saved, out, settings);
    expect(result.baselineTestError).toBeLessThanOrEqual(8);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const gru = (await dcJson('inspect', out)).result.nodes.find((n: { name: string }) => n.name === 'gru');
    // Half of the kernel's 16 × 48 and the recurrent kernel's 16 × 48 weights are exact zeros; both bias rows are kept.
    expect(gru).toMatchObject({ kind: 'recurrent', outputShape: [16], params: 2 * 16 * 48 + 2 * 48, kept: 16 * 48 + 2 * 48, bits: 5 });
    const run = (await dcJson('run', out, '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'))).result;
    expect([run.samples, run.testError]).toEqual([400, result.testError]);
    // Post-training too: both kernels planned apart, within the budget on the calibration reviews.
    const planned = await compress(saved, join(dir, 'sentiment-gru-post.dcm'), 'no-retrain');
    expect(Object.keys(planned.plan.allocation)).toEqual(expect.arrayContaining(['gru/kernel', 'gru/recurrentKernel']));
    expect(planned.calibrationFidelity.withinBudget).toBe(true);
  }, 300_000);

  it('compresses a self-attention reader (Dense q, k, v; Dot scores; softmax; Dot context; residual; LayerNormalization) with retraining; the file runs both products on cpu as tfjs does', async () => {
    const attention = await savedAttentionReader(join(dir, 'attention'), reviews(1200, 1));
    const out = join(dir, 'attention.dcm');
    const settings = ['--sparsity', 'embed=0.8,query=0.5,key=0.5,value=0.5', '--bits', '5', '--prune-epochs', '4', '--prune-lr', '0.003', '--cluster-epochs', '2', '--cluster-lr', '0.001'];
    const result = await compress(attention, out, settings);
    expect(result.baselineTestError).toBeLessThanOrEqual(5);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    expect(result.compressionRatio).toBeGreaterThan(8);
    const inspect = (await dcJson('inspect', out)).result;
    const kinds = Object.fromEntries(inspect.nodes.map((n: { name: string; kind: string }) => [n.name, n.kind]));
    expect([kinds.scores, kinds.context, kinds.norm]).toEqual(['dot', 'dot', 'layerNorm']);
    // Half of each projection's 256 weights are exact zeros.
    expect(inspect.nodes.find((n: { name: string }) => n.name === 'query')).toMatchObject({ kept: (DIMENSIONS * DIMENSIONS) / 2 + DIMENSIONS, bits: 5 });
    const [cpu, tfjs] = await Promise.all(['cpu', 'tfjs'].map(async (backend) => (await dcJson('run', out, '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'), '--backend', backend)).result));
    expect([cpu.testError, tfjs.testError]).toEqual([result.testError, result.testError]);
  }, 300_000);

  it('compresses a binary classifier (one sigmoid unit, as tfjs\'s sentiment example) retrained on 0/1 labels with binaryCrossentropy; dc run thresholds its probability at 0.5', async () => {
    const modelJson = await savedSentimentNet(join(dir, 'sigmoid-model'), reviews(1200, 1), 'mean', 'sigmoid');
    const settings = ['--sparsity', 'embed=0.8', '--bits', '4', '--prune-epochs', '5', '--prune-lr', '0.005', '--cluster-epochs', '2', '--cluster-lr', '0.001'];
    const result = await compress(modelJson, join(dir, 'sentiment-sigmoid.dcm'), settings);
    expect(result.baselineTestError).toBeLessThanOrEqual(5);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const run = (await dcJson('run', join(dir, 'sentiment-sigmoid.dcm'), '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'))).result;
    // Both classes predicted, as many of each as the labels roughly (the test reviews alternate).
    expect(run.predicted).toHaveLength(2);
    expect(Math.min(...run.predicted)).toBeGreaterThan(150);
    expect([run.samples, run.testError]).toEqual([400, result.testError]);
  }, 300_000);

  it('compresses an SVM-style classifier (one linear margin trained by hinge) retrained on 0/1 labels, taken as −1/1; dc run takes a positive margin as class 1, and −1/1 labels as they are', async () => {
    const modelJson = await savedSentimentNet(join(dir, 'margin-model'), reviews(1200, 1), 'mean', 'margin');
    expect(JSON.parse(readFileSync(modelJson, 'utf8')).trainingConfig.loss).toBe('hinge');
    const settings = ['--sparsity', 'embed=0.6,hidden=0.3,head=0', '--bits', '5', '--prune-epochs', '5', '--prune-lr', '0.005', '--cluster-epochs', '2', '--cluster-lr', '0.001'];
    const result = await compress(modelJson, join(dir, 'sentiment-margin.dcm'), settings);
    expect(result.baselineTestError).toBeLessThanOrEqual(5);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const run = (await dcJson('run', join(dir, 'sentiment-margin.dcm'), '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'))).result;
    expect(Math.min(...run.predicted)).toBeGreaterThan(150);
    expect([run.samples, run.testError]).toEqual([400, result.testError]);
    // Labels −1/1, as an SVM's often are: the same classes, so the same figures.
    const signed = join(dir, 'test-y-signed.npy');
    writeFileSync(signed, Buffer.from(dump(Int32Array.from(reviews(400, 2).ys, (y) => 2 * y - 1), [400])));
    const signedRun = (await dcJson('run', join(dir, 'sentiment-margin.dcm'), '--data', join(dir, 'test-x.npy'), '--labels', signed)).result;
    expect([signedRun.samples, signedRun.testError, signedRun.predicted]).toEqual([400, result.testError, run.predicted]);
  }, 300_000);

  it('compresses a Bidirectional LSTM reader post-training within the budget on its calibration reviews (the planner substitutes both passes of the stacked weights it measures)', async () => {
    const modelJson = await savedSentimentNet(join(dir, 'bilstm-model'), reviews(1200, 1), 'bidirectional');
    const planned = await compress(modelJson, join(dir, 'sentiment-bilstm-post.dcm'), 'no-retrain');
    expect(Object.keys(planned.plan.allocation)).toEqual(expect.arrayContaining(['bilstm/kernel', 'bilstm/recurrentKernel']));
    expect(planned.calibrationFidelity.withinBudget).toBe(true);
    expect(planned.testFidelity.outputs[0].top1Agreement).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  it('compresses a text CNN (Conv1D, MaxPooling1D, Flatten, Dense) with retraining, the Flatten rebuilt in tfjs after the 1-D layers', async () => {
    const modelJson = await savedTextCnn(join(dir, 'text-cnn'), reviews(1200, 1));
    const settings = ['--sparsity', 'embed=0.8,conv=0.5,head=0.5', '--bits', '5', '--prune-epochs', '3', '--prune-lr', '0.003', '--cluster-epochs', '1', '--cluster-lr', '0.001'];
    const result = await compress(modelJson, join(dir, 'text-cnn.dcm'), settings);
    expect(result.baselineTestError).toBeLessThanOrEqual(8);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const head = (await dcJson('inspect', join(dir, 'text-cnn.dcm'))).result.nodes.find((n: { name: string }) => n.name === 'head');
    // Half of the head's 9 × 16 × 2 weights are exact zeros.
    expect(head).toMatchObject({ params: 9 * 16 * 2 + 2, kept: 9 * 16 + 2 });
  }, 300_000);

  it('compresses a token tagger (TimeDistributed Dense over every token) retrained on one class label per token; errors count tokens, and labels of the wrong shape say which shape', async () => {
    const { xs } = reviews(1200, 1);
    const modelJson = await savedTagger(join(dir, 'tagger'), xs);
    for (const [name, seed] of [['train', 1], ['test', 2]] as const) {
      const tags = tagsOf(reviews(name === 'train' ? 1200 : 400, seed).xs);
      writeFileSync(join(dir, `${name}-tags.npy`), Buffer.from(dump(tags, [tags.length / LENGTH, LENGTH])));
    }
    const out = join(dir, 'tagger.dcm');
    const settings = ['--sparsity', 'embed=0.7,context=0.5', '--bits', '4', '--prune-epochs', '15', '--prune-lr', '0.01', '--cluster-epochs', '3', '--cluster-lr', '0.001'];
    const { result } = await dcJson('compress', modelJson, '--data', join(dir, 'train-x.npy'), '--labels', join(dir, 'train-tags.npy'), '--test-data', join(dir, 'test-x.npy'), '--test-labels', join(dir, 'test-tags.npy'), '-o', out, ...settings);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.fileBytes * 10).toBeLessThan(result.originalBytes);
    expect(result.baselineTestError).toBeLessThanOrEqual(1);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 1);
    const run = (await dcJson('run', out, '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-tags.npy'))).result;
    // One prediction per token of the 400 test reviews: the error counts tokens.
    expect(run.predicted.reduce((a: number, b: number) => a + b, 0)).toBe(400 * LENGTH);
    expect([run.samples, run.testError]).toEqual([400, result.testError]);
    const wrong = await dc('run', out, '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/DATA_MISMATCH: .*test-y\.npy: 400 labels for 400 samples; the model outputs \[20, 4\], so it takes a class label per position, shape \[N, 20\]/);
  }, 300_000);
});
