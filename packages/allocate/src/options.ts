/**
 * Options of {@link planAllocation} and their validation with core's `optionChecks`.
 */
import { optionChecks, type Model, type OptionChecks, type OptionKeys, type ProgressEvent, type Stage } from '@dc/core';
import { MAX_RECOVERY_ROUNDS, type RecoveryOptions } from './recovery.js';

/** The name used in errors. */
export const PLANNER_NAME = 'dc:allocate';

/** Options of {@link planAllocation}: exactly one of `maxErrorIncrease`, `targetBytes`, `targetRatio`. */
export interface AllocateOptions {
  /**
   * Accuracy budget: the largest predicted validation error increase (a fraction: `0.001` is
   * 0.1 percentage point; with `metric: 'loss'`, of the baseline loss: `0.05` lets the validation
   * loss grow 5%). Predicted from one-shot (not retrained) sensitivity, so it is conservative.
   */
  readonly maxErrorIncrease?: number;
  /** Size target: bytes of the written file. */
  readonly targetBytes?: number;
  /** Size target as a ratio: float32 bytes of every parameter / file bytes. */
  readonly targetRatio?: number;
  /**
   * Held-out (validation) accuracy of a model, in [0, 1]; with `metric: 'loss'`, its mean
   * validation loss (≥ 0, lower is better). Never pass the test set.
   */
  readonly evaluate: (model: Model) => number | Promise<number>;
  /**
   * What `evaluate` and the recovery probes measure: `accuracy` (the default: a classifier, costs
   * in error fractions) or `loss` (an autoencoder, regressor or multi-label model trained on
   * targets: costs as increases of the validation loss relative to the unchanged model's).
   */
  readonly metric?: Metric;
  /**
   * The file writer (e.g. `() => huffmanEncode()`): candidates are pruned, clustered and written
   * with it to measure their real bytes. Needed for a size target.
   */
  readonly writer?: () => Stage<never, 'encode/file'>;
  /**
   * Stages the run applies between pruning and clustering (e.g. `() => [foldBatchNorm()]`): candidates
   * pass through them too, so their bytes are those of the run's file layout. Default none.
   */
  readonly afterPruning?: () => readonly Stage[];
  /** Layers to allocate; default every dense and conv2d layer. */
  readonly layers?: readonly string[];
  /** Sparsities at which sensitivity is measured; default 0.5 … 0.99 (with `metric: 'loss'`, 0.1 … 0.99: {@link LOSS_SPARSITY_LEVELS}). */
  readonly sparsityLevels?: readonly number[];
  /** Bits per code the planner may choose; default 2, 3, 4, 5, 6, 8. */
  readonly bitLevels?: readonly number[];
  /** Highest sparsity of any layer; default the highest sparsity level. */
  readonly maxSparsity?: number;
  /** Step of the sparsity grid the planner chooses on; default 0.0025. */
  readonly sparsityStep?: number;
  /**
   * Bytes per codebook entry in the file `writer` writes: 4 (float32, the default) or 2 (a writer
   * storing codebooks as float16). Only the ranking between layers depends on it; sizes are measured.
   */
  readonly centroidBytes?: 2 | 4;
  /**
   * Retraining-aware planning (see `recovery.ts`): after the one-shot plan, probe rounds that run
   * the plan's stages briefly on this trainer, scale the pruning curves by what pruning left, and
   * plan again; the best probed plan is kept. Default none: the one-shot plan.
   */
  readonly recovery?: RecoveryOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** What the planner measures a model by (see {@link AllocateOptions.metric}). */
export type Metric = 'accuracy' | 'loss';

/** The options' goal after validation. */
export type Goal = { readonly kind: 'maxErrorIncrease'; readonly value: number } | { readonly kind: 'targetBytes'; readonly value: number; readonly ratio?: number };

const KEYS: OptionKeys<AllocateOptions> = {
  maxErrorIncrease: true, targetBytes: true, targetRatio: true, evaluate: true, metric: true, writer: true, afterPruning: true, layers: true,
  sparsityLevels: true, bitLevels: true, maxSparsity: true, sparsityStep: true, centroidBytes: true, recovery: true, signal: true, onProgress: true,
};

const check: OptionChecks = optionChecks(PLANNER_NAME);

export const DEFAULT_SPARSITY_LEVELS = [0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99];
/**
 * The default levels with `metric: 'loss'`: also 10%, 20% and 30%. A loss moves with the first
 * pruned weights where a classifier's error hardly does, so below the first default level (50%)
 * every layer's curve would be one straight line and the plan could not tell the layers apart
 * (an LSTM autoencoder at 4.9×: test MSE +28% over the unchanged model's with the default levels,
 * +10% with these).
 */
export const LOSS_SPARSITY_LEVELS = [0.1, 0.2, 0.3, ...DEFAULT_SPARSITY_LEVELS];
export const DEFAULT_BIT_LEVELS = [2, 3, 4, 5, 6, 8];

/** Validates the options; returns the goal (`targetRatio` turned into bytes with `originalBytes`). */
export function resolveGoal(options: AllocateOptions, originalBytes: number): Goal {
  check.object<AllocateOptions>(options, 'options', KEYS);
  const given = (['maxErrorIncrease', 'targetBytes', 'targetRatio'] as const).filter((k) => options[k] !== undefined);
  check.that(given.length === 1, given[1] ?? 'targetRatio', `give exactly one of maxErrorIncrease, targetBytes, targetRatio (got ${given.join(', ') || 'none'})`);
  check.that(typeof options.evaluate === 'function', 'evaluate', options.metric === 'loss' ? 'must be a function giving validation loss' : 'must be a function giving validation accuracy');
  if (options.metric !== undefined) check.oneOf(options.metric, 'metric', ['accuracy', 'loss']);
  if (options.afterPruning !== undefined) check.that(typeof options.afterPruning === 'function', 'afterPruning', 'must be a function giving the stages');
  for (const l of options.sparsityLevels ?? []) check.number(l, 'sparsityLevels', { min: 0, below: 1 });
  for (const b of options.bitLevels ?? []) check.number(b, 'bitLevels', { integer: true, min: 1, max: 8 });
  if (options.maxSparsity !== undefined) check.number(options.maxSparsity, 'maxSparsity', { min: 0, below: 1 });
  if (options.sparsityStep !== undefined) check.number(options.sparsityStep, 'sparsityStep', { above: 0, below: 1 });
  if (options.layers !== undefined) check.names(options.layers, 'layers');
  if (options.centroidBytes !== undefined) check.oneOf(options.centroidBytes, 'centroidBytes', [2, 4]);
  if (options.recovery !== undefined) checkRecovery(options.recovery);
  if (options.maxErrorIncrease !== undefined) {
    check.number(options.maxErrorIncrease, 'maxErrorIncrease', { min: 0, below: 1 });
    return { kind: 'maxErrorIncrease', value: options.maxErrorIncrease };
  }
  check.that(options.writer !== undefined, 'writer', 'a size target needs the file writer stage to measure candidates');
  if (options.targetBytes !== undefined) {
    check.number(options.targetBytes, 'targetBytes', { integer: true, min: 1 });
    return { kind: 'targetBytes', value: options.targetBytes };
  }
  check.number(options.targetRatio, 'targetRatio', { above: 1 });
  return { kind: 'targetBytes', value: Math.round(originalBytes / options.targetRatio!), ratio: options.targetRatio! };
}

const RECOVERY_KEYS: OptionKeys<RecoveryOptions> = { trainer: true, rounds: true, prune: true, cluster: true };

function checkRecovery(r: RecoveryOptions): void {
  check.object<RecoveryOptions>(r, 'recovery', RECOVERY_KEYS);
  check.that(typeof r.trainer === 'function' || (typeof r.trainer?.fineTune === 'function' && typeof r.trainer.evaluate === 'function'), 'recovery.trainer', 'must be a training service (e.g. createTfjsTrainer) whose evaluation set is the validation data, or a function giving one');
  if (r.rounds !== undefined) check.number(r.rounds, 'recovery.rounds', { integer: true, min: 0, max: MAX_RECOVERY_ROUNDS });
  for (const k of ['prune', 'cluster'] as const) if (r[k] !== undefined) check.that(typeof r[k] === 'function', `recovery.${k}`, 'must be a function giving the stages');
}
