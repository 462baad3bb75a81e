/** The validation rows of `dc compress`: what `createTfjsTrainer`'s `validationSplit` holds out. */
import { validationCount } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';

/** Held-out rows sliced out of the training data, and how many rows the split holds out. */
export interface HeldOutRows {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
  /** Rows of the validation split (the slice may hold fewer). */
  readonly heldOut: number;
}

/**
 * The first `limit` (default all) of the last `validationSplit` of `train`'s rows: the split the
 * trainer holds out (`validationCount`), never the test data.
 */
export function heldOutRows(tfjs: typeof tf, train: { xs: tf.Tensor; ys: tf.Tensor }, validationSplit: number, limit = Infinity): HeldOutRows {
  const count = train.xs.shape[0];
  const heldOut = validationCount(count, validationSplit);
  const rows = Math.min(limit, heldOut);
  return { xs: tfjs.slice(train.xs, count - heldOut, rows), ys: tfjs.slice(train.ys, count - heldOut, rows), heldOut };
}
