/** The loaded model's own error and loss on the test samples, measured before compression in the same run. */
import type { Model } from '@dc/core';
import { createTfjsTrainer, type CompileConfig } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';
import type { LabelledData } from '../data/labelled-data.js';
import { tensorsOf } from './trainer.js';

/** What {@link baselineOf} measures. */
export interface Baseline {
  /** Test error in percent: wrong / labels × 100 (labels per sample or per position, or a multi-label classifier's 0/1 targets). */
  readonly error: number;
  /** The mean loss (float targets: its mean squared or absolute error, or binary cross-entropy). */
  readonly loss: number;
}

/** The error and mean loss of `model` run by tfjs on `test`, from one evaluation. */
export async function baselineOf(tfjs: typeof tf, model: Model, compile: CompileConfig, test: LabelledData): Promise<Baseline> {
  const t = tensorsOf(tfjs, test, model.inputShape, compile);
  try {
    const { accuracy, loss } = await createTfjsTrainer({ tf: tfjs, train: t, validation: t, compile }).evaluate(model);
    const labelled = (test.labels ?? test.targets)!.length;
    return { error: (Math.round((1 - accuracy) * labelled) / labelled) * 100, loss };
  } finally {
    tfjs.dispose([t.xs, t.ys]);
  }
}
