/**
 * `@dc/core/training`: the training contract typed with TensorFlow.js. Import from here (not from
 * `@dc/core`) when you write training hooks or a training service: this entry needs
 * `@tensorflow/tfjs`'s types, which `@dc/core`'s main entry must not (a deployment-only install
 * has no tfjs). Importing it also types the hooks of `@dc/core`'s `TrainingService` everywhere in
 * the program (module augmentation of `TrainingTypes`).
 */
import type * as tf from '@tensorflow/tfjs';

declare module '../training.js' {
  interface TrainingTypes {
    tf: typeof tf;
    tensor: tf.Tensor;
    variable: tf.Variable;
  }
}

/** The TensorFlow.js namespace handed to hooks. */
export type Tfjs = typeof tf;
/** A tfjs tensor. */
export type TfTensor = tf.Tensor;
/** A tfjs variable. */
export type TfVariable = tf.Variable;
export type { TrainingService, TrainingHooks, TrainingTypes, FineTuneOptions, OptimizerName, TrainingProgress, EpochResult, Evaluation } from '../training.js';
