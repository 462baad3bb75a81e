/**
 * The tfjs LayersModel a training step runs: the IR model converted, batch normalisation in the
 * trainer's mode, a first layer's input gradient skipped. The calling thread and every
 * data-parallel worker build theirs here, so all of them run the same computation.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Model } from '../ir/model.js';
import { setBatchNormMode, type BatchNormMode } from './batch-norm-mode.js';
import { toLayersModel } from './convert-to.js';
import { skipInputGradients } from './input-gradient.js';

/** A LayersModel of `model` set up for training (the caller owns and disposes it). */
export function trainingLayersModel(tfjs: typeof tf, model: Model, batchNorm: BatchNormMode): tf.LayersModel {
  const lm = toLayersModel(model, tfjs);
  try {
    setBatchNormMode(lm, batchNorm);
    skipInputGradients(tfjs, lm);
    return lm;
  } catch (e) {
    lm.dispose();
    throw e;
  }
}
