/**
 * A user's model of two inputs — a digit image and four numbers about it (the ink in each quadrant,
 * as a tabular side input) — compressed post-training from one calibration source per input
 * (`--calibration images.npy,quadrants.npy`), its model.json kept as given.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAYERS_MODEL_RECORD_FORMAT_VERSION } from '@dc/core';
import { readIdxSplit } from '@dc/core/mnist';
import { fileHandler } from '@dc/core/tfjs';
import { dcmLayersModelHandler } from '@dc/graph-model';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { fittedOnWasm, MNIST_DIR } from './mnist-fixture.test-support.js';

const TRAIN = 2000;
const TEST = 500;

/** Digits `from` to `from + n` of a split: images / 255, each image's ink per quadrant, labels. */
async function digits(split: 'train' | 't10k', from: number, n: number): Promise<{ images: Float32Array; quadrants: Float32Array; labels: Uint8Array }> {
  const { images, labels } = await readIdxSplit(MNIST_DIR, split);
  const x = Float32Array.from(images.data.subarray(from * 784, (from + n) * 784), (v) => v / 255);
  const quadrants = new Float32Array(n * 4);
  for (let s = 0; s < n; s++) for (let p = 0; p < 784; p++) quadrants[s * 4 + (p % 28 < 14 ? 0 : 1) + (p < 392 ? 0 : 2)] += x[s * 784 + p] / 196;
  return { images: x, quadrants, labels: labels.data.slice(from, from + n) };
}

function twoInputModel(): tf.LayersModel {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  const image = tf.input({ shape: [28, 28, 1], name: 'image' });
  const quadrants = tf.input({ shape: [4], name: 'quadrants' });
  const flat = tf.layers.flatten().apply(image) as tf.SymbolicTensor;
  const features = tf.layers.dense({ units: 64, activation: 'relu', name: 'features', ...init(1) }).apply(flat) as tf.SymbolicTensor;
  const side = tf.layers.dense({ units: 8, activation: 'relu', name: 'side', ...init(2) }).apply(quadrants) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([features, side]) as tf.SymbolicTensor;
  const digit = tf.layers.dense({ units: 10, activation: 'softmax', name: 'digit', ...init(3) }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ inputs: [image, quadrants], outputs: digit, name: 'image_and_quadrants' });
}

const npy = (values: Float32Array, shape: number[]) => Buffer.from(dump(values, shape));

describe('a two-input LayersModel: one calibration source per input', () => {
  let dir: string;
  let modelJson: string;
  let test: Awaited<ReturnType<typeof digits>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-multi-input-'));
    const train = await digits('train', 0, TRAIN);
    const data = { xs: [tf.tensor4d(train.images, [TRAIN, 28, 28, 1]), tf.tensor2d(train.quadrants, [TRAIN, 4])], ys: tf.tensor1d(Float32Array.from(train.labels)) };
    const build = () => {
      const lm = twoInputModel();
      lm.compile({ optimizer: tf.train.adam(0.003), loss: 'sparseCategoricalCrossentropy' });
      return lm;
    };
    modelJson = await fittedOnWasm(join(dir, 'model'), 12, build, data, 3);
    const calibration = await digits('train', TRAIN, 64);
    writeFileSync(join(dir, 'cal-images.npy'), npy(calibration.images, [64, 28, 28, 1]));
    writeFileSync(join(dir, 'cal-quadrants.npy'), npy(calibration.quadrants, [64, 4]));
    writeFileSync(join(dir, 'short-quadrants.npy'), npy(calibration.quadrants.subarray(0, 40), [10, 4]));
    test = await digits('t10k', 0, TEST);
    writeFileSync(join(dir, 'test-images.npy'), npy(test.images, [TEST, 28, 28, 1]));
    writeFileSync(join(dir, 'test-quadrants.npy'), npy(test.quadrants, [TEST, 4]));
  }, 120_000);

  it('compresses it within the budget from images.npy,quadrants.npy; the file classifies test digits as the original does', async () => {
    const out = join(dir, 'two-inputs.dcm');
    const sources = (a: string, b: string) => `${join(dir, a)},${join(dir, b)}`;
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', sources('cal-images.npy', 'cal-quadrants.npy'), '--test-data', sources('test-images.npy', 'test-quadrants.npy'), '-o', out);
    expect(result).toMatchObject({ format: 'layers-model-as-given', calibrationSamples: 64, testSamples: TEST, calibrationFidelity: { withinBudget: true } });
    expect(result.keptBecause).toMatch(/2 inputs, 1 outputs/);
    expect(result.compressionRatio).toBeGreaterThan(4);
    expect(Object.keys(result.plan.allocation)).toEqual(['features/kernel', 'digit/kernel']);
    const bytes = new Uint8Array(readFileSync(out));
    expect(bytes[8]).toBe(LAYERS_MODEL_RECORD_FORMAT_VERSION);
    const [original, fromFile] = [await tf.loadLayersModel(fileHandler(modelJson)), await tf.loadLayersModel(dcmLayersModelHandler(bytes))];
    const top1 = (m: tf.LayersModel) => tf.tidy(() => Array.from((m.predict([tf.tensor4d(test.images, [TEST, 28, 28, 1]), tf.tensor2d(test.quadrants, [TEST, 4])]) as tf.Tensor).argMax(-1).dataSync()));
    const [a, b] = [top1(original), top1(fromFile)];
    original.dispose();
    fromFile.dispose();
    const correct = (d: number[]) => d.filter((v, i) => v === test.labels[i]).length;
    expect(correct(a)).toBeGreaterThan(0.85 * TEST);
    expect(b.filter((v, i) => v === a[i]).length).toBeGreaterThanOrEqual(0.98 * TEST);
    // dc run takes the same list for --data, also against the reference.
    const { result: run } = await dcJson('run', out, '--data', sources('test-images.npy', 'test-quadrants.npy'));
    expect(run).toMatchObject({ samples: TEST, inputs: [{ name: 'image' }, { name: 'quadrants' }], outputs: [{ shape: [TEST, 10] }] });
    const { result: reference } = await dcJson('run', out, '--reference', modelJson, '--data', sources('test-images.npy', 'test-quadrants.npy'));
    expect(reference.fidelity).toEqual(result.testFidelity);
  }, 120_000);

  it('one source for two inputs, or sources of different lengths: DATA_MISMATCH before any planning', async () => {
    const one = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'cal-images.npy'), '-o', join(dir, 'never.dcm'));
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/DATA_MISMATCH[\s\S]*2 inputs \(image, quadrants\), and 1 input source was given/);
    const short = await dc('compress', modelJson, '--no-retrain', '--calibration', `${join(dir, 'cal-images.npy')},${join(dir, 'short-quadrants.npy')}`, '-o', join(dir, 'never.dcm'));
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/DATA_MISMATCH[\s\S]*different numbers of samples/);
    expect(short.stderr).not.toMatch(/planning/);
  }, 60_000);
});
