/**
 * Training data in the forms tfjs users already have — what `model.fit` and `model.fitDataset`
 * take — turned into one stream of `{ xs, ys }` batches per epoch:
 *
 * - `{ xs, ys }` tensors (batch axis first), shuffled each epoch with the trainer's seed;
 * - a `tf.data.Dataset` of `{ xs, ys }` (or `[xs, ys]`) batches, read once per epoch, as `fitDataset` does;
 * - an async (or sync) iterable of such batches, or a function returning a fresh one per epoch;
 * - an `ImageSet` (the MNIST reader's typed arrays, labels as class indices): one adapter among these.
 *
 * Tensors that a dataset or iterable yields are disposed after use (as `fitDataset` does): yield
 * fresh tensors. Tensors passed as `{ xs, ys }` stay the caller's.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { ImageSet } from '../mnist/dataset.js';
import type { RandomSource } from '../random.js';
import { imageCopier, imageRowShape, type ImageAugmentation } from './augment.js';
import { shuffledIndices } from './batches.js';
import { checkBatch, checkImageSet } from './data-checks.js';
import type { Objective } from './objective.js';

/** One batch: inputs `[b, ...inputShape]`, labels (class indices `[b]`, or rows shaped like the output). */
export interface Batch {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
}

type BatchLike = Batch | readonly [tf.Tensor, tf.Tensor];

/** Anything the trainer trains or evaluates on. */
export type TrainingData =
  | ImageSet
  | Batch
  | tf.data.Dataset<tf.TensorContainer>
  | AsyncIterable<BatchLike>
  | Iterable<BatchLike>
  | (() => AsyncIterable<BatchLike> | Iterable<BatchLike>);

/** A source of batches, epoch after epoch. */
export interface BatchSource {
  /** Number of examples, when known up front. */
  readonly examples?: number;
  /** Batches of one epoch; each is the consumer's to dispose. `random` shuffles where the source allows it. */
  epoch(batchSize: number, random?: RandomSource): AsyncGenerator<Batch>;
}

function isImageSet(d: unknown): d is ImageSet {
  return typeof d === 'object' && d !== null && 'images' in d && 'labels' in d && 'count' in d;
}

function isTensorPair(d: unknown): d is Batch {
  const b = d as Partial<Batch>;
  return typeof d === 'object' && d !== null && Array.isArray(b.xs?.shape) && Array.isArray(b.ys?.shape);
}

function isDataset(d: unknown): d is tf.data.Dataset<tf.TensorContainer> {
  return typeof d === 'object' && d !== null && typeof (d as { iterator?: unknown }).iterator === 'function' && typeof (d as { batch?: unknown }).batch === 'function';
}

function asBatch(item: unknown, where: string): Batch {
  if (Array.isArray(item) && item.length === 2) return { xs: item[0] as tf.Tensor, ys: item[1] as tf.Tensor };
  if (isTensorPair(item)) return { xs: item.xs, ys: item.ys };
  throw new DcError('DATA_MISMATCH', `${where} yielded ${describe(item)}, not a batch { xs, ys } or [xs, ys] of tensors`, {
    hint: 'Yield { xs, ys } batches (map a tf.data dataset with ({ image, label }) => ({ xs: image, ys: label }) and .batch(n)).',
  });
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  return `an object with keys ${Object.keys(v).slice(0, 5).join(', ') || '(none)'}`;
}

/**
 * Wraps user data as a {@link BatchSource}, checked against `inputShape` and the objective.
 * `augment` (an `ImageSet`, or tensors of images `[n, h, w(, c)]`; the trainer checks that)
 * changes the images of epochs given a `random` source.
 */
export function batchSource(tfjs: typeof tf, data: TrainingData, inputShape: readonly number[], o: Objective, what: string, augment?: ImageAugmentation): BatchSource {
  if (isImageSet(data)) return imageSetSource(tfjs, data, inputShape, o, what, augment);
  if (isTensorPair(data)) return tensorSource(tfjs, data, inputShape, o, what, augment);
  const open = isDataset(data)
    ? async function* () {
        const it = await data.iterator();
        for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
      }
    : typeof data === 'function'
      ? data
      : () => data;
  let epochs = 0;
  return {
    async *epoch() {
      const iterable = open() as AsyncIterable<unknown> | Iterable<unknown>;
      if (iterable == null || (typeof (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function' && typeof (iterable as Iterable<unknown>)[Symbol.iterator] !== 'function')) {
        throw new DcError('DATA_MISMATCH', `${what} is ${describe(iterable)}: not an ImageSet, { xs, ys } tensors, a tf.data.Dataset or an iterable of batches`);
      }
      let n = 0;
      for await (const item of iterable) {
        const batch = asBatch(item, what);
        try {
          checkBatch(tfjs, batch, inputShape, o, `${what}, batch ${n + 1}`);
        } catch (e) {
          tfjs.dispose([batch.xs, batch.ys]);
          throw e;
        }
        n++;
        yield batch;
      }
      epochs++;
      if (n === 0) {
        throw new DcError('DATA_MISMATCH', `${what} yielded no batches${epochs > 1 ? ` in epoch ${epochs} (an iterator or generator object is used up after one pass)` : ''}`, {
          hint: 'Pass a tf.data.Dataset, an iterable that can be read again, or a function that returns a fresh async iterable each epoch.',
        });
      }
    },
  };
}

function imageSetSource(tfjs: typeof tf, set: ImageSet, inputShape: readonly number[], o: Objective, what: string, augment?: ImageAugmentation): BatchSource {
  checkImageSet(set, inputShape, o, what);
  const px = set.height * set.width;
  const make = (indices: ArrayLike<number>, copy: ReturnType<typeof imageCopier>): Batch => {
    const b = indices.length;
    const pixels = new Float32Array(b * px);
    const labels = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      const k = indices[i];
      copy(set.images, k, pixels, i);
      labels[i] = set.labels[k];
    }
    const ys = tfjs.tensor1d(labels, 'int32');
    if (o.labels === 'index') return { xs: tfjs.tensor(pixels, [b, ...inputShape]), ys };
    const oneHot = tfjs.oneHot(ys, o.classes);
    ys.dispose();
    return { xs: tfjs.tensor(pixels, [b, ...inputShape]), ys: tfjs.cast(oneHot, 'float32') as tf.Tensor };
  };
  return {
    examples: set.count,
    async *epoch(batchSize, random) {
      const order = random ? shuffledIndices(set.count, random) : Uint32Array.from({ length: set.count }, (_, i) => i);
      // Offsets are drawn after the shuffle, from the same source: without augment nothing changes.
      const copy = imageCopier(augment, random, set.height, set.width);
      for (let start = 0; start < set.count; start += batchSize) yield make(order.subarray(start, start + batchSize), copy);
    },
  };
}

/** Tensors and the rows of them to use (a validation split uses a range of the caller's tensors, no copy). */
type TensorRows = Batch & { readonly rows?: readonly [number, number] };

function tensorSource(tfjs: typeof tf, data: TensorRows, inputShape: readonly number[], o: Objective, what: string, augment?: ImageAugmentation): BatchSource {
  checkBatch(tfjs, data, inputShape, o, what);
  const [from, to] = data.rows ?? [0, data.xs.shape[0]];
  const n = to - from;
  const image = augment?.translate || augment?.flip ? imageRowShape(data.xs.shape.slice(1)) : undefined;
  function* batches(batchSize: number, order: Uint32Array | undefined): Generator<Batch> {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      if (!order) {
        yield { xs: tfjs.slice(data.xs, from + start, end - start), ys: tfjs.slice(data.ys, from + start, end - start) };
        continue;
      }
      const idx = tfjs.tensor1d(Int32Array.from(order.subarray(start, end), (i) => from + i), 'int32');
      const batch = { xs: tfjs.gather(data.xs, idx), ys: tfjs.gather(data.ys, idx) };
      idx.dispose();
      yield batch;
    }
  }
  return {
    examples: n,
    async *epoch(batchSize, random) {
      const order = random ? shuffledIndices(n, random) : undefined;
      if (!image || !random) return yield* batches(batchSize, order);
      // Augmented: each batch's images are copied in JS, shifted and mirrored (draws after the shuffle).
      const copy = imageCopier(augment, random, image.height, image.width, image.channels);
      for (const batch of batches(batchSize, order)) {
        const src = batch.xs.dataSync() as Float32Array;
        const dst = new Float32Array(src.length);
        for (let i = 0; i < batch.xs.shape[0]; i++) copy(src, i, dst, i);
        const xs = tfjs.tensor(dst, batch.xs.shape, 'float32');
        batch.xs.dispose();
        yield { xs, ys: batch.ys };
      }
    },
  };
}

/**
 * How many of `count` examples a `validationSplit` of `fraction` holds out (at least one): the last
 * ones, as {@link splitValidation} takes them. For callers that must use the same rows.
 */
export function validationCount(count: number, fraction: number): number {
  return Math.max(1, Math.round(count * fraction));
}

/**
 * Splits off the last `fraction` of the examples for validation (Keras's `validationSplit`: taken
 * before shuffling). Only tensors and ImageSets can be split; streams need a separate validation set.
 */
export function splitValidation(data: TrainingData, fraction: number): { train: TrainingData; validation: TrainingData } {
  if (!(fraction > 0 && fraction < 1)) throw new DcError('INVALID_OPTION', `validationSplit must be above 0 and below 1, got ${fraction}`, { option: 'validationSplit' });
  if (isImageSet(data)) {
    const keep = data.count - validationCount(data.count, fraction);
    const px = data.height * data.width;
    const part = (from: number, to: number): ImageSet => ({ ...data, count: to - from, images: data.images.subarray(from * px, to * px), labels: data.labels.subarray(from, to) });
    return { train: part(0, keep), validation: part(keep, data.count) };
  }
  if (isTensorPair(data)) {
    const n = data.xs.shape[0];
    const keep = n - validationCount(n, fraction);
    const rows = (from: number, to: number): TensorRows => ({ xs: data.xs, ys: data.ys, rows: [from, to] });
    return { train: rows(0, keep), validation: rows(keep, n) };
  }
  throw new DcError('INVALID_OPTION', 'validationSplit needs the training data as { xs, ys } tensors or an ImageSet', {
    option: 'validationSplit',
    hint: 'A dataset or iterable cannot be split without reading it: pass a separate validation set instead.',
  });
}
