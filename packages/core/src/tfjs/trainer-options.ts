/**
 * The checks of `createTfjsTrainer`'s options and of each `fineTune`'s, as every stage checks its
 * own: an unknown key (a typo, `batchsize`; or a fine-tuning option given to the trainer, `epochs`)
 * or a value of the wrong type or range is `INVALID_OPTION` naming the option, when the trainer is
 * made or the fine-tune starts, instead of a default used in silence. `loss`, `threads`,
 * `validationSplit` and `augment` are checked where they are read.
 */
import { optionChecks, type OptionChecks, type OptionKeys } from '../options/option-checks.js';
import type { FineTuneOptions, OptimizerName } from '../training.js';
import type { BatchNormMode } from './batch-norm-mode.js';
import type { TfjsTrainerOptions } from './trainer.js';

const TRAINER_KEYS: OptionKeys<TfjsTrainerOptions> = {
  tf: true,
  train: true,
  validation: true,
  validationSplit: true,
  evaluation: true,
  compile: true,
  loss: true,
  fromLogits: true,
  metrics: true,
  batchSize: true,
  optimizer: true,
  seed: true,
  classes: true,
  batchNorm: true,
  threads: true,
  augment: true,
};

const FINE_TUNE_KEYS: OptionKeys<FineTuneOptions> = {
  epochs: true,
  learningRate: true,
  batchSize: true,
  optimizer: true,
  frozen: true,
  signal: true,
  onProgress: true,
  onEpochEnd: true,
  transformGradients: true,
  constrainWeights: true,
};

const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];
const BATCH_NORM_MODES: readonly BatchNormMode[] = ['update', 'frozen'];

const check: OptionChecks = optionChecks('dc:trainer', {
  epochs: 'epochs and learningRate belong to each run: trainer.fineTune(model, { epochs, learningRate }).',
  learningRate: 'epochs and learningRate belong to each run: trainer.fineTune(model, { epochs, learningRate }).',
  'fineTune.learningRate': 'A positive step size, e.g. 1e-3 for Adam.',
});

/** Checks the options of `createTfjsTrainer` (see the module comment). */
export function checkTrainerOptions(o: unknown): asserts o is TfjsTrainerOptions {
  check.object<TfjsTrainerOptions>(o, 'options', TRAINER_KEYS);
  if (o.batchSize !== undefined) check.number(o.batchSize, 'batchSize', { integer: true, min: 1 });
  if (o.optimizer !== undefined) check.oneOf(o.optimizer, 'optimizer', OPTIMIZERS);
  if (o.seed !== undefined) check.number(o.seed, 'seed');
  if (o.classes !== undefined) check.number(o.classes, 'classes', { integer: true, min: 1 });
  if (o.batchNorm !== undefined) check.oneOf(o.batchNorm, 'batchNorm', BATCH_NORM_MODES);
  if (o.fromLogits !== undefined) check.boolean(o.fromLogits, 'fromLogits');
}

/** Checks the options of one `fineTune` run (see the module comment). */
export function checkFineTuneOptions(o: unknown): asserts o is FineTuneOptions {
  check.object<FineTuneOptions>(o, 'fineTune', FINE_TUNE_KEYS);
  check.number(o.epochs, 'fineTune.epochs', { integer: true, min: 0 });
  check.number(o.learningRate, 'fineTune.learningRate', { above: 0 });
  if (o.batchSize !== undefined) check.number(o.batchSize, 'fineTune.batchSize', { integer: true, min: 1 });
  if (o.optimizer !== undefined) check.oneOf(o.optimizer, 'fineTune.optimizer', OPTIMIZERS);
  if (o.frozen !== undefined) check.names(o.frozen, 'fineTune.frozen', true);
}
