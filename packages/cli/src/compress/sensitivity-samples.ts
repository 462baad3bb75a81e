/**
 * The rows an automatic allocation measures sensitivity on: the first `--sensitivity-samples` of
 * the validation split the trainer holds out (never the test data). The allocation evaluates the
 * model once per layer and level (17 × layers passes by default), so a bounded set keeps a
 * `--target-ratio` run of a convnet to minutes; the same rows serve every pass, so the comparisons
 * between candidates are paired.
 */
import { createTfjsTrainer, type CompileConfig } from '@dc/core/tfjs';
import type { Metric } from '@dc/allocate';
import type { Model } from '@dc/core';
import type * as tf from '@tensorflow/tfjs';
import { heldOutRows } from './held-out-rows.js';

/** Validation samples the sensitivity passes use when `--sensitivity-samples` is not given. */
export const DEFAULT_SENSITIVITY_SAMPLES = 2000;

/** Accuracy (or loss) on the sensitivity rows, and how many rows of how many held out. */
export interface SensitivityEvaluator {
  /** Accuracy, or with `metric: 'loss'` the mean loss, of `model` on the rows. */
  readonly evaluate: (model: Model) => Promise<number>;
  /** Rows evaluated. */
  readonly samples: number;
  /** Rows of the validation split. */
  readonly heldOut: number;
  /** Frees the rows' tensors. */
  readonly dispose: () => void;
}

/**
 * An evaluator on the first `samples` rows of the last `validationSplit` of `train`
 * ({@link heldOutRows}), all of them when the split has fewer.
 */
export function sensitivityEvaluator(tfjs: typeof tf, train: { xs: tf.Tensor; ys: tf.Tensor }, o: { validationSplit: number; samples: number; compile: CompileConfig; metric: Metric }): SensitivityEvaluator {
  const rows = heldOutRows(tfjs, train, o.validationSplit, o.samples);
  const { heldOut } = rows;
  const samples = rows.xs.shape[0];
  const trainer = createTfjsTrainer({ tf: tfjs, train: rows, validation: rows, compile: o.compile });
  return {
    evaluate: async (model) => (await trainer.evaluate(model))[o.metric],
    samples,
    heldOut,
    dispose: () => tfjs.dispose([rows.xs, rows.ys]),
  };
}
