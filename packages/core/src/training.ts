/**
 * The training service interface: stages that retrain (pruning, centroid fine-tuning) ask
 * `ctx.trainer` to fine-tune, and steer it through hooks. The tfjs implementation is
 * `createTfjsTrainer` in `@dc/core/tfjs`; hooks receive the tfjs namespace as an argument so that
 * stage packages need not import tfjs themselves.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Model } from './ir/model.js';

/** The TensorFlow.js namespace handed to hooks. */
export type Tfjs = typeof tfTypes;
/** A tfjs tensor. */
export type TfTensor = tfTypes.Tensor;
/** A tfjs variable. */
export type TfVariable = tfTypes.Variable;

/** Hooks that shape training; both are keyed by parameter key (`<layer>/<param>`). */
export interface TrainingHooks {
  /**
   * Called with the gradients of one step, before the optimizer applies them. Return the
   * gradients to apply (same keys). Tensors you create are disposed by the trainer.
   * Pruning masks gradients here; trained quantization sums them per cluster.
   */
  transformGradients?(grads: Record<string, TfTensor>, tf: Tfjs): Record<string, TfTensor>;
  /**
   * Called after each optimizer step with the model's variables: assign to them to enforce a
   * constraint (re-zero pruned weights, reset weights to their centroids).
   */
  constrainWeights?(weights: Record<string, TfVariable>, tf: Tfjs): void;
}

/** Options of one fine-tuning run. */
export interface FineTuneOptions extends TrainingHooks {
  epochs: number;
  learningRate: number;
  /** Defaults to the trainer's batch size. */
  batchSize?: number;
  /** Defaults to the trainer's optimizer. */
  optimizer?: OptimizerName;
  /** Parameter keys that must not change (their gradients are dropped). */
  frozen?: readonly string[];
  signal?: AbortSignal;
  /** Called after each batch. */
  onProgress?(progress: TrainingProgress): void;
  /** Called after each epoch, with test-set accuracy when the trainer evaluates per epoch. */
  onEpochEnd?(epoch: EpochResult): void;
}

/** Optimizers the trainer offers. */
export type OptimizerName = 'sgd' | 'momentum' | 'adam';

/** Progress of a fine-tuning run. */
export interface TrainingProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
}

/** The outcome of one epoch. */
export interface EpochResult {
  epoch: number;
  loss: number;
  seconds: number;
}

/** Accuracy and loss on a data set. */
export interface Evaluation {
  accuracy: number;
  loss: number;
  examples: number;
}

/** Trains and evaluates IR models. */
export interface TrainingService {
  /** Name of the compute backend in use, e.g. `wasm`. */
  readonly backend: string;
  /** Fine-tunes a copy of `model`; the input is not changed. */
  fineTune(model: Model, options: FineTuneOptions): Promise<{ model: Model; epochs: EpochResult[] }>;
  /** Accuracy on the held-out evaluation set. */
  evaluate(model: Model): Promise<Evaluation>;
}
