/**
 * The training service of a `dc compress` run: @dc/core's tfjs trainer on the fastest backend that
 * loads, on the run's samples as `{ xs, ys }` tensors (class indices), with the model's compiled
 * loss, a validation split for the per-stage accuracy, and a progress line per epoch.
 */
import { DcError, type TrainingService } from '@dc/core';
import { createTfjsTrainer, LOSS_NAMES, refuseUnsupportedLoss, type CompileConfig, type ImageAugmentation, type LossName } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';
import type { LabelledData } from '../data/labelled-data.js';
import { withEpochLines, type Progress } from './progress.js';

/** What a CLI user can do about a loss the trainer lacks. */
const UNSUPPORTED_LOSS_HINT = 'Compile the model with one of those and save it again, or compress it without retraining (--no-retrain).';

/**
 * The compiled loss as the trainer needs it for integer class labels: `categoricalCrossentropy`
 * becomes `sparseCategoricalCrossentropy` (the same loss on one-hot rows of the labels); a model
 * saved without a loss trains with `sparseCategoricalCrossentropy`. A binary classifier (one output
 * unit, `classes` 1: labels 0 and 1) trains with `binaryCrossentropy`, its own or by default, or
 * with its `hinge` / `squaredHinge` (an SVM-style margin: 0/1 taken as −1/1, as Keras does); a
 * multi-class margin model with its `categoricalHinge` (the labels as one-hot rows). Other losses
 * are refused.
 */
export function classLabelCompile(compile: CompileConfig | undefined, fromLogits: boolean | undefined, classes = 2): CompileConfig {
  refuseUnsupportedLoss(compile, UNSUPPORTED_LOSS_HINT);
  const given = fromLogits === undefined ? {} : { fromLogits };
  if (classes === 1 && (compile?.loss === undefined || compile.loss === 'binaryCrossentropy')) return { ...compile, loss: 'binaryCrossentropy', ...given };
  if (classes === 1 && isBinaryMargin(compile?.loss)) return { ...compile, ...given };
  // One margin per class: the labels become one-hot rows.
  if (classes > 1 && compile?.loss === 'categoricalHinge') return { ...compile, ...given };
  const loss = compile?.loss ?? 'sparseCategoricalCrossentropy';
  if (loss !== 'categoricalCrossentropy' && loss !== 'sparseCategoricalCrossentropy') {
    throw new DcError('INVALID_OPTION', `the model was compiled with loss ${loss}; class labels (--labels) train classifiers`, {
      option: 'loss',
      hint: REGRESSION_LOSSES.includes(loss) ? 'Give its targets with --targets (and --test-targets): float arrays shaped like its output.' : 'Compile the model with (sparse)categoricalCrossentropy (binaryCrossentropy for one output unit) and save it again, or compress it in code with createTfjsTrainer and your own loss.',
    });
  }
  return { ...compile, loss: 'sparseCategoricalCrossentropy', ...given };
}

/** The losses of float targets (`--targets`): every loss but the cross-entropies (binaryCrossentropy is one too, for multi-label classifiers). */
export const REGRESSION_LOSSES: readonly LossName[] = LOSS_NAMES.filter((loss) => !loss.endsWith('Crossentropy'));
const TARGET_LOSSES: readonly LossName[] = [...REGRESSION_LOSSES, 'binaryCrossentropy'];

/**
 * The compiled loss as the trainer needs it for float targets: a regression loss
 * ({@link REGRESSION_LOSSES}: `meanSquaredError`, `huber`, `poisson`, ...), or `binaryCrossentropy`
 * (a multi-label classifier's 0/1 targets); a model saved without a loss trains with
 * `meanSquaredError`, one compiled with a loss the trainer lacks is refused. A single-label
 * classifier's loss is refused with a hint to give class labels.
 */
export function targetCompile(compile: CompileConfig | undefined, fromLogits?: boolean): CompileConfig {
  refuseUnsupportedLoss(compile, UNSUPPORTED_LOSS_HINT);
  const loss = compile?.loss ?? 'meanSquaredError';
  if (!TARGET_LOSSES.includes(loss)) {
    // Only the class-label cross-entropies are left.
    throw new DcError('INVALID_OPTION', `the model was compiled with loss ${loss}; targets (--targets) train with a regression loss or binaryCrossentropy`, {
      option: 'targets',
      hint: 'Give integer class labels with --labels (and --test-labels).',
    });
  }
  return { ...compile, loss, ...(fromLogits === undefined ? {} : { fromLogits }) };
}

/** The losses of a one-output SVM-style classifier, which take class labels 0/1 as −1/1. */
export function isBinaryMargin(loss: LossName | undefined): boolean {
  return loss === 'hinge' || loss === 'squaredHinge';
}

/**
 * Samples as `{ xs, ys }` tensors for training with `compile`: inputs `[N, ...inputShape]`, labels
 * `[N]` (or `[N, ...positions]`; int32 class indices, or float32 0/1 for `binaryCrossentropy` and
 * the hinge losses), or float targets `[N, ...output]`.
 */
export function tensorsOf(tfjs: typeof tf, data: LabelledData, inputShape: readonly number[], compile: CompileConfig): { xs: tf.Tensor; ys: tf.Tensor } {
  const labels = compile.loss === 'binaryCrossentropy' || isBinaryMargin(compile.loss) ? 'float32' : 'int32';
  const ys = data.targets ? tfjs.tensor(data.targets, [data.count, ...data.targetShape!], 'float32') : tfjs.tensor(data.labels!, [data.count, ...(data.positions ?? [])], labels);
  return { xs: tfjs.tensor(data.inputs, [data.count, ...inputShape], 'float32'), ys };
}

/** A trainer on `train` (its last `validationSplit` held out) that reports each epoch. */
export function createCompressTrainer(options: {
  tf: typeof tf;
  train: { xs: tf.Tensor; ys: tf.Tensor };
  validation?: { xs: tf.Tensor; ys: tf.Tensor };
  validationSplit: number;
  compile: CompileConfig;
  batchSize: number;
  seed: number;
  /** Data-parallel training threads (`createTfjsTrainer`'s `threads`). */
  threads: number | 'auto';
  /** Random shifts of the training images by up to this many pixels (0: none), and random left-right mirroring. */
  augment?: ImageAugmentation | undefined;
  progress: Progress;
}): TrainingService {
  const held = options.validation ? { validation: options.validation } : { validationSplit: options.validationSplit };
  const augment = options.augment ? { augment: options.augment } : {};
  const base = createTfjsTrainer({ tf: options.tf, train: options.train, ...held, compile: options.compile, batchSize: options.batchSize, seed: options.seed, threads: options.threads, ...augment });
  return withEpochLines(base, options.progress);
}
