import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError, type DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { syntheticImageSet, tinyDenseModel } from '../testing/fixtures.js';
import { fromLayersModel } from './convert-from.js';
import { createTfjsTrainer } from './trainer.js';
import { validationCount, type Batch } from './training-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** {@link syntheticImageSet} as tensors: xs [n, 64], labels [n]. */
function synthetic(count: number, seed: number): { xs: tf.Tensor2D; labels: Int32Array } {
  const set = syntheticImageSet(count, seed);
  return { xs: tf.tensor2d(set.images, [count, 64]), labels: Int32Array.from(set.labels) };
}

const { xs, labels } = synthetic(512, 1);
const sparse = tf.tensor1d(labels, 'int32');
const oneHot = tf.oneHot(sparse, 10).toFloat();
const held = synthetic(256, 2);
const validation = { xs: held.xs, ys: tf.tensor1d(held.labels, 'int32') };

/** tinyDenseModel with its head's activation replaced. */
function withHead(activation: 'softmax' | 'linear' | 'relu' | 'sigmoid', seed = 3): Model {
  const m = tinyDenseModel(seed);
  return { ...m, layers: m.layers.map((l, i) => (i === m.layers.length - 1 && l.config.kind === 'dense' ? { ...l, config: { ...l.config, activation } } : l)) };
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<DcError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => undefined, (error: unknown) => error);
  if (!isDcError(e)) throw new Error(`expected a DcError, got ${String(e)}`);
  return e;
}

describe('createTfjsTrainer on the user\'s data and loss', () => {
  it('trains from { xs, ys } tensors, a tf.data.Dataset, an async generator function and an iterable alike', async () => {
    const ds = tf.data.zip({ xs: tf.data.array(tf.unstack(xs)), ys: tf.data.array(tf.unstack(sparse)) }).batch(32) as unknown as tf.data.Dataset<tf.TensorContainer>;
    async function* batches(): AsyncGenerator<Batch> {
      for (let i = 0; i < 512; i += 32) yield { xs: tf.slice(xs, i, 32), ys: tf.slice(sparse, i, 32) };
    }
    const iterable = { [Symbol.iterator]: () => Array.from({ length: 16 }, (_, k) => [tf.slice(xs, k * 32, 32), tf.slice(oneHot, k * 32, 32)] as const)[Symbol.iterator]() };
    const runs = [
      { train: { xs, ys: sparse }, loss: 'sparseCategoricalCrossentropy' as const },
      { train: ds, loss: 'sparseCategoricalCrossentropy' as const },
      { train: batches, loss: 'sparseCategoricalCrossentropy' as const },
      { train: iterable, loss: 'categoricalCrossentropy' as const, validation: { xs: held.xs, ys: tf.oneHot(validation.ys, 10).toFloat() } },
    ];
    for (const run of runs) {
      const trainer = createTfjsTrainer({ tf, validation, ...run, batchSize: 32, seed: 1 });
      const before = tf.memory().numTensors;
      const { model, epochs } = await trainer.fineTune(tinyDenseModel(3), { epochs: 3, learningRate: 0.01 });
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before); // every batch disposed
      expect(epochs[2].loss).toBeLessThan(epochs[0].loss);
      const evaluation = await trainer.evaluate(model);
      expect(evaluation.examples).toBe(256);
      expect(evaluation.accuracy).toBeGreaterThan(0.9);
    }
  });

  it('takes the loss and metrics from a compile config, and holds out a validation split', async () => {
    const trainer = createTfjsTrainer({ tf, train: { xs, ys: oneHot }, validationSplit: 0.25, compile: { loss: 'categoricalCrossentropy', metrics: ['categoricalAccuracy', 'meanSquaredError'] }, batchSize: 32 });
    const { model } = await trainer.fineTune(tinyDenseModel(3), { epochs: 2, learningRate: 0.01 });
    const e = await trainer.evaluate(model);
    expect(e.examples).toBe(128);
    // validationCount is what callers use to find the same rows.
    expect(validationCount(512, 0.25)).toBe(e.examples);
    expect(validationCount(10, 0.25)).toBe(3);
    expect(validationCount(50, 0.001)).toBe(1);
    expect(e.metrics?.categoricalAccuracy).toBe(e.accuracy);
    expect(e.metrics?.meanSquaredError).toBeGreaterThan(0);
  });

  it('trains a logits head with fromLogits: true; refuses a loss that disagrees with the head', async () => {
    const logits = createTfjsTrainer({ tf, train: { xs, ys: sparse }, validation, loss: 'sparseCategoricalCrossentropy', fromLogits: true, batchSize: 32 });
    const { model } = await logits.fineTune(withHead('linear'), { epochs: 3, learningRate: 0.01 });
    expect((await logits.evaluate(model)).accuracy).toBeGreaterThan(0.9);
    // A linear head without fromLogits: the silent 20%-accuracy trap of plain tfjs, refused.
    const unsaid = createTfjsTrainer({ tf, train: { xs, ys: sparse }, validation, loss: 'sparseCategoricalCrossentropy' });
    const e = await rejection(unsaid.fineTune(withHead('linear'), { epochs: 1, learningRate: 0.01 }));
    expect(e.code).toBe('LOSS_HEAD_MISMATCH');
    expect(e.hint).toMatch(/fromLogits: true/);
    expect(e.tensor).toBe('fc2');
    // A softmax head with fromLogits: true would apply softmax twice.
    expect((await rejection(logits.evaluate(withHead('softmax')))).code).toBe('LOSS_HEAD_MISMATCH');
    // Any other head must be said explicitly.
    expect((await rejection(unsaid.evaluate(withHead('relu')))).code).toBe('LOSS_HEAD_MISMATCH');
    // Regression losses take any head.
    const mse = createTfjsTrainer({ tf, train: { xs, ys: oneHot }, validation: { xs: held.xs, ys: tf.oneHot(validation.ys, 10).toFloat() }, loss: 'meanSquaredError' });
    expect((await mse.evaluate(withHead('relu'))).loss).toBeGreaterThan(0);
  });

  it('refuses data that do not fit the model with DATA_MISMATCH before any step', async () => {
    const steps: number[] = [];
    const onProgress = () => steps.push(1);
    const fine = (train: ConstructorParameters<typeof Object>[0], loss: 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' = 'sparseCategoricalCrossentropy') =>
      rejection(createTfjsTrainer({ tf, train, validation, loss }).fineTune(tinyDenseModel(3), { epochs: 1, learningRate: 0.01, onProgress }));
    const wrongShape = await fine({ xs: tf.zeros([8, 65]), ys: tf.zeros([8], 'int32') });
    expect([wrongShape.code, wrongShape.message]).toEqual(['DATA_MISMATCH', expect.stringMatching(/shape \[8, 65\].*\[batch, 64\]/)]);
    const outOfRange = await fine({ xs: tf.zeros([8, 64]), ys: tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 10], 'int32') });
    expect(outOfRange.message).toMatch(/integers in \[0, 9\].*to 10/);
    expect((await fine({ xs: tf.zeros([2, 64]), ys: tf.tensor1d([0, 1.5]) })).message).toMatch(/not all integers/);
    const unbatched = tf.data.array([{ xs: tf.zeros([64]), ys: tf.scalar(1, 'int32') }]) as unknown as tf.data.Dataset<tf.TensorContainer>;
    expect((await fine(unbatched)).hint).toMatch(/\.batch\(n\)/);
    expect((await fine({ xs: tf.zeros([4, 64]), ys: tf.zeros([4]) }, 'categoricalCrossentropy')).hint).toMatch(/class indices/);
    expect((await fine([{ images: 1 }])).code).toBe('DATA_MISMATCH');
    expect(steps).toEqual([]);
  });

  it('refuses a NaN or infinite input or label with DATA_MISMATCH naming the sample: tensors before any step, a stream at its batch', async () => {
    const steps: number[] = [];
    const fine = (train: Parameters<typeof createTfjsTrainer>[0]['train'], loss: 'sparseCategoricalCrossentropy' | 'meanSquaredError' = 'sparseCategoricalCrossentropy') =>
      rejection(createTfjsTrainer({ tf, train, validation: loss === 'meanSquaredError' ? { xs: held.xs, ys: tf.oneHot(validation.ys, 10).toFloat() } : validation, loss, batchSize: 32 }).fineTune(tinyDenseModel(3), { epochs: 1, learningRate: 0.01, onProgress: () => steps.push(1) }));
    const pixels = xs.arraySync();
    pixels[300][17] = Number.NaN;
    const nanInput = await fine({ xs: tf.tensor2d(pixels), ys: sparse });
    expect([nanInput.code, nanInput.message]).toEqual(['DATA_MISMATCH', expect.stringContaining('input 300 holds a missing (NaN) or infinite value')]);
    // An ImageSet's pixels.
    const set = syntheticImageSet(64, 5);
    set.images[40 * 64 + 3] = Number.NaN;
    expect((await fine(set)).message).toContain('image 40 holds a missing (NaN) or infinite pixel');
    expect(steps).toEqual([]);
    // A regression target, streamed: checked as its batch arrives, named by batch and row.
    const targets = oneHot.arraySync() as number[][];
    targets[70][2] = Number.POSITIVE_INFINITY;
    const ys = tf.tensor2d(targets);
    const streamed = Array.from({ length: 16 }, (_, k) => ({ xs: tf.slice(xs, k * 32, 32), ys: tf.slice(ys, k * 32, 32) }));
    const infLabel = await fine(streamed, 'meanSquaredError');
    expect(infLabel.message).toMatch(/batch 3: label 6 holds a missing \(NaN\) or infinite value/);
  });

  it('trains a tagger on one class index per position ([n, steps] labels against a [steps, classes] output) and refuses one label per sample', async () => {
    // Each of 5 positions is tagged with the largest of its first 3 features.
    const n = 256;
    const features = tf.randomNormal([n, 5, 4], 0, 1, 'float32', 11);
    const tags = tf.argMax(tf.slice(features, [0, 0, 0], [n, 5, 3]), -1);
    const input = tf.input({ shape: [5, 4] });
    const out = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }), name: 'tag' }).apply(input) as tf.SymbolicTensor;
    const tagger = fromLayersModel(tf.model({ inputs: input, outputs: out }));
    const trainer = createTfjsTrainer({ tf, train: { xs: features, ys: tags }, validation: { xs: features, ys: tags }, loss: 'sparseCategoricalCrossentropy', batchSize: 32, seed: 1 });
    const before = await trainer.evaluate(tagger);
    const { model: trained } = await trainer.fineTune(tagger, { epochs: 20, learningRate: 0.05 });
    const after = await trainer.evaluate(trained);
    // Accuracy counts positions: 256 × 5 tags.
    expect(after.accuracy).toBeGreaterThan(0.9);
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.3);
    const perSample = await rejection(createTfjsTrainer({ tf, train: { xs: features, ys: tf.zeros([n], 'int32') }, validation: { xs: features, ys: tags }, loss: 'sparseCategoricalCrossentropy' }).fineTune(tagger, { epochs: 1, learningRate: 0.01 }));
    expect([perSample.code, perSample.message]).toEqual(['DATA_MISMATCH', expect.stringContaining('takes class indices [batch, 5] as labels, got shape [256]')]);
  });

  it('says when a generator was used up after one epoch', async () => {
    async function* once(): AsyncGenerator<Batch> {
      yield { xs: tf.slice(xs, 0, 32), ys: tf.slice(sparse, 0, 32) };
    }
    const trainer = createTfjsTrainer({ tf, train: once(), validation, loss: 'sparseCategoricalCrossentropy' });
    const e = await rejection(trainer.fineTune(tinyDenseModel(3), { epochs: 2, learningRate: 0.01 }));
    expect(e.message).toMatch(/no batches in epoch 2/);
  });

  it('needs a loss for tensors and held-out data', async () => {
    expect((await rejection(createTfjsTrainer({ tf, train: { xs, ys: sparse }, validation }).evaluate(tinyDenseModel(3)))).option).toBe('loss');
    expect((await rejection(() => createTfjsTrainer({ tf, train: { xs, ys: sparse }, loss: 'meanSquaredError' }))).option).toBe('validation');
    expect((await rejection(() => createTfjsTrainer({ tf, train: (async function* () {})(), validationSplit: 0.1, loss: 'meanSquaredError' }))).option).toBe('validationSplit');
  });
});
