/** The loaded model's own error on the test samples, measured before compression in the same run. */
import type { Model } from '@dc/core';
import { createTfjsTrainer, type CompileConfig } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';
import type { LabelledData } from '../data/labelled-data.js';
import { tensorsOf } from './trainer.js';

/** The mean loss of `model` run by tfjs on `test` (float targets: its mean squared or absolute error). */
export async function baselineLoss(tfjs: typeof tf, model: Model, compile: CompileConfig, test: LabelledData): Promise<number> {
  const t = tensorsOf(tfjs, test, model.inputShape, compile);
  try {
    return (await createTfjsTrainer({ tf: tfjs, train: t, validation: t, compile }).evaluate(model)).loss;
  } finally {
    tfjs.dispose([t.xs, t.ys]);
  }
}

/** Test error in percent (wrong / labels × 100: labels per sample or per position, or a multi-label classifier's 0/1 targets) of `model` run by tfjs on `test`. */
export async function baselineError(tfjs: typeof tf, model: Model, compile: CompileConfig, test: LabelledData): Promise<number> {
  const t = tensorsOf(tfjs, test, model.inputShape, compile);
  try {
    const { accuracy } = await createTfjsTrainer({ tf: tfjs, train: t, validation: t, compile }).evaluate(model);
    const labelled = (test.labels ?? test.targets)!.length;
    return (Math.round((1 - accuracy) * labelled) / labelled) * 100;
  } finally {
    tfjs.dispose([t.xs, t.ys]);
  }
}
