/** The loaded model's own error on the test samples, measured before compression in the same run. */
import type { Model } from '@dc/core';
import { createTfjsTrainer, type CompileConfig } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';
import type { LabelledData } from '../data/labelled-data.js';
import { tensorsOf } from './trainer.js';

/** Test error in percent (wrong / samples × 100) of `model` run by tfjs on `test`. */
export async function baselineError(tfjs: typeof tf, model: Model, compile: CompileConfig, test: LabelledData): Promise<number> {
  const t = tensorsOf(tfjs, test, model.inputShape);
  try {
    const { accuracy } = await createTfjsTrainer({ tf: tfjs, train: t, validation: t, compile }).evaluate(model);
    return (Math.round((1 - accuracy) * test.count) / test.count) * 100;
  } finally {
    tfjs.dispose([t.xs, t.ys]);
  }
}
