/**
 * Checks that data fit the model before training on them: input shape, label layout and label
 * range, and that inputs and labels are finite numbers (a NaN or infinite value would turn the
 * weights NaN in the first step), each failure a `DATA_MISMATCH` that says what was expected.
 * Tensors given whole are checked once; streamed batches each as they arrive (the first before the
 * first step).
 */
import type * as tf from '@tensorflow/tfjs';
import { firstNonFinite } from '../container/float-stream.js';
import { DcError } from '../errors/dc-error.js';
import type { ImageSet } from '../mnist/dataset.js';
import { takesIndices, type Objective } from './objective.js';

const show = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function mismatch(message: string, hint?: string): never {
  throw new DcError('DATA_MISMATCH', message, hint === undefined ? {} : { hint });
}

function checkInputs(xs: tf.Tensor, inputShape: readonly number[], where: string): void {
  if (same(xs.shape, inputShape)) {
    mismatch(`${where}: inputs have shape ${show(xs.shape)}, one example without a batch axis`, 'Batch the data: a tf.data dataset needs .batch(n); tensors need the batch axis first.');
  }
  if (!same(xs.shape.slice(1), inputShape)) {
    mismatch(`${where}: inputs have shape ${show(xs.shape)}, the model takes [batch, ${inputShape.join(', ')}]`, 'Reshape the inputs to the model\'s input shape (e.g. images [n, 28, 28, 1] for a conv net, [n, 784] for an MLP).');
  }
}

function checkLabelShape(ys: tf.Tensor, batch: number, o: Objective, where: string): void {
  if (ys.shape[0] !== batch) mismatch(`${where}: ${ys.shape[0]} labels for ${batch} inputs`);
  if (o.labels === 'index') {
    // One class index per position of every output axis but the last: per sample for a classifier, per token for a tagger, per pixel for a segmenter.
    const positions = o.outputShape.slice(0, -1);
    const rows = ys.shape.slice(1);
    if (!same(rows, positions) && !same(rows, [...positions, 1])) {
      mismatch(`${where}: ${o.loss} takes class indices [batch${positions.map((d) => `, ${d}`).join('')}] as labels, got shape ${show(ys.shape)}`, ys.shape[ys.rank - 1] === o.classes ? 'These look one-hot: use loss categoricalCrossentropy, or pass the class indices.' : undefined);
    }
    return;
  }
  const rows = ys.shape.slice(1);
  const ok = same(rows, o.outputShape) || (o.outputShape.length === 1 && o.outputShape[0] === 1 && rows.length === 0) || (takesIndices(o, rows.length) && same(rows, o.outputShape.slice(0, -1)));
  if (!ok) {
    mismatch(
      `${where}: labels have shape ${show(ys.shape)}, the model outputs [batch, ${o.outputShape.join(', ')}] (loss ${o.loss})`,
      ys.rank === 1 && o.loss === 'categoricalCrossentropy' ? 'These look like class indices: use loss sparseCategoricalCrossentropy, or one-hot encode them.' : undefined,
    );
  }
}

/** Throws unless every label is a valid class index (or a binary target in [0, 1]). One read of ys. */
function checkLabelValues(tfjs: typeof tf, ys: tf.Tensor, o: Objective, where: string): void {
  if (o.labels !== 'index' && o.loss !== 'binaryCrossentropy') return;
  const [min, max, nonInteger] = tfjs.tidy(() => {
    const y = tfjs.cast(ys, 'float32');
    const frac = o.labels === 'index' ? tfjs.any(tfjs.notEqual(tfjs.floor(y), y)) : tfjs.scalar(false);
    return [tfjs.min(y), tfjs.max(y), frac].map((t) => t.dataSync()[0]);
  });
  if (o.labels === 'index') {
    if (nonInteger || min < 0 || max >= o.classes || Number.isNaN(min) || Number.isNaN(max)) {
      mismatch(`${where}: class labels must be integers in [0, ${o.classes - 1}] (the model has ${o.classes} outputs), found values from ${min} to ${max}${nonInteger ? ', not all integers' : ''}`, 'Check the labels (0-based class indices) or the size of the model\'s last layer.');
    }
  } else if (min < 0 || max > 1 || Number.isNaN(min) || Number.isNaN(max)) {
    mismatch(`${where}: binary cross-entropy targets must lie in [0, 1], found ${min} to ${max}`);
  }
}

/** The first sample (row of the batch axis) of `t` holding NaN or ±Infinity, or -1; one read of `t` when all are finite. */
function firstNonFiniteSample(tfjs: typeof tf, t: tf.Tensor): number {
  if (t.dtype !== 'float32' || t.size === 0) return -1;
  const finite = tfjs.tidy(() => tfjs.all(tfjs.isFinite(t)).dataSync()[0]);
  if (finite) return -1;
  const rows = tfjs.tidy(() => tfjs.all(tfjs.isFinite(tfjs.reshape(t, [t.shape[0] ?? 1, -1])), 1).dataSync());
  return rows.indexOf(0);
}

/**
 * Tensors found finite. A tensor's values never change (a variable's do: those are not kept), and
 * data given whole are checked at every fine-tune and evaluation (a whole MNIST training set: 0.2 to
 * 0.3 s each on wasm and cpu), so each is read once.
 */
const finiteTensors = new WeakSet<tf.Tensor>();

/** Throws unless every input and label value is a finite number. */
function checkFinite(tfjs: typeof tf, batch: { xs: tf.Tensor; ys: tf.Tensor }, where: string): void {
  for (const [what, t] of [['input', batch.xs], ['label', batch.ys]] as const) {
    if (finiteTensors.has(t)) continue;
    const at = firstNonFiniteSample(tfjs, t);
    if (at >= 0) mismatch(`${where}: ${what} ${at} holds a missing (NaN) or infinite value`, `Fill or drop missing values before training: one NaN ${what} turns every weight NaN in the first step.`);
    if (!('assign' in t)) finiteTensors.add(t);
  }
}

/** Checks one batch, or `{ xs, ys }` tensors given whole. */
export function checkBatch(tfjs: typeof tf, batch: { xs: tf.Tensor; ys: tf.Tensor }, inputShape: readonly number[], o: Objective, where: string): void {
  checkInputs(batch.xs, inputShape, where);
  checkLabelShape(batch.ys, batch.xs.shape[0], o, where);
  checkFinite(tfjs, batch, where);
  checkLabelValues(tfjs, batch.ys, o, where);
}

/** Checks an ImageSet: pixels per image against the input, labels against the classes. */
export function checkImageSet(set: ImageSet, inputShape: readonly number[], o: Objective, where: string): void {
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (set.height * set.width !== size) {
    mismatch(`${where}: images are ${set.height}×${set.width} (${set.height * set.width} values), the model input [${inputShape.join(', ')}] takes ${size}`);
  }
  if (o.loss !== 'sparseCategoricalCrossentropy' && o.loss !== 'categoricalCrossentropy') {
    mismatch(`${where}: an ImageSet's labels are class indices, so the loss must be sparseCategoricalCrossentropy or categoricalCrossentropy (got ${o.loss})`);
  }
  const nonFinite = firstNonFinite(set.images.subarray(0, set.count * size));
  if (nonFinite >= 0) mismatch(`${where}: image ${Math.floor(nonFinite / size)} holds a missing (NaN) or infinite pixel`, 'Fill or drop missing values before training: one NaN input turns every weight NaN in the first step.');
  let max = 0;
  for (let i = 0; i < set.count; i++) if (set.labels[i] > max) max = set.labels[i];
  if (max >= o.classes) mismatch(`${where}: label ${max} is out of range: the model has ${o.classes} outputs (classes 0..${o.classes - 1})`, 'Check the labels or the size of the model\'s last layer.');
}
