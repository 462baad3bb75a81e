/**
 * The recovery probes of `dc compress`'s automatic allocation (`--recovery-rounds`): the run's own
 * pruning and clustering stages, shortened to one epoch each, trained on the first
 * `--recovery-samples` rows of the training part and measured on the whole validation split, so the
 * plan is priced by what retraining leaves rather than by one-shot damage.
 */
import type { RecoveryOptions } from '@dc/allocate';
import { createTfjsTrainer, type CompileConfig } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';
import { heldOutRows } from './held-out-rows.js';
import { augmentationOf, type CompressSettings } from './settings.js';
import { clusterStage, magnitudeStages } from './stages.js';

/** Training rows each probe retrains on when `--recovery-samples` is not given. */
export const DEFAULT_RECOVERY_SAMPLES = 20000;

/** The probes' options for `planAllocation`, how many training rows they use, and the rows' release. */
export interface RecoveryProbes {
  readonly options: RecoveryOptions;
  readonly samples: number;
  readonly dispose: () => void;
}

/**
 * Probes of `rounds` rounds (absent: `@dc/allocate`'s default for the goal, 2 for a size and 3
 * for an accuracy budget) for a run of `settings`: one epoch of masked retraining at the run's
 * retraining rate, then (after the run's batch-norm fold, which the planner adds) clustering with
 * one epoch of centroid tuning when the run tunes centroids; each probe on a fresh trainer of the
 * run's seed, so the plans are compared on the same batches.
 */
export function recoveryProbes(tfjs: typeof tf, train: { xs: tf.Tensor; ys: tf.Tensor }, settings: CompressSettings, o: { rounds?: number; samples: number; compile: CompileConfig }): RecoveryProbes {
  const validation = heldOutRows(tfjs, train, settings.validationSplit);
  const samples = Math.min(o.samples, train.xs.shape[0] - validation.heldOut);
  const rows = { xs: tfjs.slice(train.xs, 0, samples), ys: tfjs.slice(train.ys, 0, samples) };
  const augmentation = augmentationOf(settings);
  const augment = augmentation ? { augment: augmentation } : {};
  const trainer = () => createTfjsTrainer({ tf: tfjs, train: rows, validation, compile: o.compile, batchSize: settings.batchSize, seed: settings.seed, threads: settings.trainingThreads, ...augment });
  const short: CompressSettings = { ...settings, prune: { ...settings.prune, rounds: 1, retrainEpochs: 1, polishEpochs: 0 }, cluster: { ...settings.cluster, epochs: Math.min(1, settings.cluster.epochs) } };
  return {
    options: {
      trainer,
      ...(o.rounds === undefined ? {} : { rounds: o.rounds }),
      prune: (sparsity) => magnitudeStages({ ...short, sparsity }, true, undefined),
      cluster: (bits) => [clusterStage({ ...short, bits })],
    },
    samples,
    dispose: () => tfjs.dispose([rows.xs, rows.ys, validation.xs, validation.ys]),
  };
}
