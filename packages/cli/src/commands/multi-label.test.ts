import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcJson } from '../run-dc.test-support.js';
import { fitAndSave, onWasm } from './conv-fixture.test-support.js';
import { DIMENSIONS, LENGTH, reviews, VOCABULARY } from './reviews.test-support.js';

const TAGS = 3;

/** A review's tags, 0 or 1 each: mentions praise (ids 1..60), mentions blame (61..120), runs past 14 words. */
function tagsOf(xs: Float32Array): Float32Array {
  const tags = new Float32Array((xs.length / LENGTH) * TAGS);
  for (let r = 0; r < xs.length / LENGTH; r++) {
    const words = Array.from(xs.subarray(r * LENGTH, (r + 1) * LENGTH)).filter((id) => id > 0);
    tags.set([+words.some((id) => id <= 60), +words.some((id) => id > 60 && id <= 120), +(words.length > 14)], r * TAGS);
  }
  return tags;
}

/**
 * A user's multi-label tagger: Embedding → mean → Dense → one sigmoid per tag, trained with
 * binaryCrossentropy (recorded in its model.json, as Keras saves it); with `logits`, a linear head
 * trained by the cross-entropy of its logits.
 */
async function savedTagger(dir: string, xs: Float32Array, logits = false): Promise<string> {
  return onWasm(async () => {
    const lm = tf.sequential({ name: 'review-tags' });
    lm.add(tf.layers.embedding({ inputShape: [LENGTH], inputDim: VOCABULARY, outputDim: DIMENSIONS, name: 'embed', embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }) }));
    lm.add(tf.layers.globalAveragePooling1d({ name: 'mean' }));
    lm.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
    lm.add(tf.layers.dense({ units: TAGS, activation: logits ? 'linear' : 'sigmoid', name: 'tags', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
    lm.compile({ optimizer: tf.train.adam(1e-2), loss: logits ? (t: tf.Tensor, y: tf.Tensor) => tf.losses.sigmoidCrossEntropy(t, y) : 'binaryCrossentropy' });
    const n = xs.length / LENGTH;
    const [x, y] = [tf.tensor2d(xs, [n, LENGTH]), tf.tensor2d(tagsOf(xs), [n, TAGS])];
    return fitAndSave(lm, x, y, 30, dir, { loss: 'binary_crossentropy' });
  });
}

describe('a multi-label tagger (one sigmoid per tag) retrained on 0/1 targets with binaryCrossentropy', () => {
  let dir: string;
  let modelJson: string;
  const npy = (name: string) => join(dir, `${name}.npy`);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-multi-label-'));
    for (const [name, seed, n] of [['train', 1, 1200], ['test', 2, 400]] as const) {
      const { xs } = reviews(n, seed);
      writeFileSync(npy(`${name}-x`), Buffer.from(dump(Int32Array.from(xs), [n, LENGTH])));
      writeFileSync(npy(`${name}-tags`), Buffer.from(dump(tagsOf(xs), [n, TAGS])));
    }
    modelJson = await savedTagger(join(dir, 'model'), reviews(1200, 1).xs);
  }, 120_000);

  it('writes a file whose tags are about as right as the original\'s; the error counts tags, the loss is the binary cross-entropy, and dc run --targets measures both alike', async () => {
    const out = join(dir, 'tags.dcm');
    const settings = ['--sparsity', 'embed=0.8', '--bits', '4', '--prune-epochs', '5', '--prune-lr', '0.005', '--cluster-epochs', '2', '--cluster-lr', '0.001'];
    const { result } = await dcJson('compress', modelJson, '--data', npy('train-x'), '--targets', npy('train-tags'), '--test-data', npy('test-x'), '--test-targets', npy('test-tags'), '-o', out, ...settings);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.loss).toBe('binaryCrossentropy');
    expect(result.baselineTestError).toBeLessThanOrEqual(10);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    expect(result.testLoss).toBeLessThan(result.baselineTestLoss + 0.1);
    const run = (await dcJson('run', out, '--data', npy('test-x'), '--targets', npy('test-tags'))).result;
    expect(run.targets.binaryError).toBeCloseTo(result.testError, 10);
    expect(run.targets.binaryCrossentropy).toBeCloseTo(result.testLoss, 10);
  }, 300_000);

  it('measures a tagger whose linear head gives logits (--from-logits) by the tags its logits get right, in compress and in dc run --from-logits alike', async () => {
    const logits = await savedTagger(join(dir, 'logits'), reviews(1200, 1).xs, true);
    const out = join(dir, 'logits.dcm');
    const settings = ['--sparsity', 'embed=0.8', '--bits', '4', '--prune-epochs', '5', '--prune-lr', '0.005', '--cluster-epochs', '2', '--cluster-lr', '0.001', '--from-logits'];
    const { result } = await dcJson('compress', logits, '--data', npy('train-x'), '--targets', npy('train-tags'), '--test-data', npy('test-x'), '--test-targets', npy('test-tags'), '-o', out, ...settings);
    expect(result.baselineTestError).toBeLessThanOrEqual(10);
    expect(result.testError).toBeLessThanOrEqual(result.baselineTestError + 4);
    const run = (await dcJson('run', out, '--data', npy('test-x'), '--targets', npy('test-tags'), '--from-logits')).result;
    expect(run.targets.binaryError).toBeCloseTo(result.testError, 10);
    expect(run.targets.binaryCrossentropy).toBeCloseTo(result.testLoss, 5);
    // The file records that its loss took logits, so dc run needs no flag for it.
    const recorded = (await dcJson('run', out, '--data', npy('test-x'), '--targets', npy('test-tags'))).result;
    expect([recorded.training, recorded.targets]).toEqual([{ loss: 'binaryCrossentropy', fromLogits: true }, run.targets]);
  }, 300_000);
});
