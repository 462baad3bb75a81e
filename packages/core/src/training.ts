/**
 * The training service interface: stages that retrain (pruning, centroid fine-tuning) ask
 * `ctx.trainer` to fine-tune, and steer it through hooks. The tfjs implementation is
 * `createTfjsTrainer` in `@dc/core/tfjs`; hooks receive the tfjs namespace as an argument so that
 * stage packages need not import tfjs themselves.
 *
 * This file is part of `@dc/core`'s main entry, whose types must load without tfjs installed (a
 * deployment needs no trainer). So it names no tfjs type itself: the tensor types come from
 * {@link TrainingTypes}, which `@dc/core/training` fills in with tfjs's own types.
 */
import type { Model } from './ir/model.js';

/**
 * The tfjs types the training contract is written in. Empty here; importing `@dc/core/training`
 * (or `@dc/core/tfjs`) adds `tf`, `tensor` and `variable` by module augmentation, and hooks are
 * then typed with tfjs's own namespace, tensor and variable types. Without it they are `unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TrainingTypes {}

type Resolved<K extends string> = TrainingTypes extends Record<K, infer T> ? T : unknown;
/** The TensorFlow.js namespace handed to hooks (`unknown` until `@dc/core/training` is imported). */
type Tfjs = Resolved<'tf'>;
/** A tfjs tensor (`unknown` until `@dc/core/training` is imported). */
type TfTensor = Resolved<'tensor'>;
/** A tfjs variable (`unknown` until `@dc/core/training` is imported). */
type TfVariable = Resolved<'variable'>;

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
  /** The share of examples classified right (Keras's `accuracy` for the loss in use). */
  accuracy: number;
  /** Mean loss per example. */
  loss: number;
  examples: number;
  /** Further metrics the trainer was asked for (`meanSquaredError`, `binaryAccuracy`, ...), means per example. */
  metrics?: Readonly<Record<string, number>>;
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
