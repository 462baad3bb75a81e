/**
 * `dc compress --target-ratio | --target-bytes | --max-error-increase | --max-loss-increase`:
 * per-layer sparsity and bits chosen by `@dc/allocate`'s `planAllocation` from sensitivity measured
 * on the held-out validation split (never the test data), in place of the hand-set `--sparsity` and
 * `--bits`; the run then prunes, retrains, clusters and writes to them as usual. A classifier on
 * class labels is measured by its validation error; a model on float targets (`--targets`) by its
 * validation loss, each cost a share of the unchanged model's.
 */
import { MAX_RECOVERY_ROUNDS, planAllocation, type Allocation, type Metric, type RecoveryOptions } from '@dc/allocate';
import { DcError, foldBatchNorm, type Model, type Stage } from '@dc/core';
import type { Progress } from './progress.js';
import type { CompressSettings, SettingsFlags } from './settings.js';
import type { SensitivityEvaluator } from './sensitivity-samples.js';
import { fileStage } from './stages.js';

/** The goal flags (at most one). */
export interface AllocationFlags {
  /** Largest predicted one-shot validation error increase, in percentage points (`0.1`). */
  readonly maxErrorIncrease?: number;
  /** With `--targets`: largest predicted one-shot validation loss increase, in percent of the unchanged model's loss (`5`). */
  readonly maxLossIncrease?: number;
  /** Bytes of the written file. */
  readonly targetBytes?: number;
  /** Float32 bytes of the parameters ÷ bytes of the written file. */
  readonly targetRatio?: number;
  /** The bits per code the allocation may give a layer (default `@dc/allocate`'s: 2, 3, 4, 5, 6, 8). */
  readonly bitLevels?: readonly number[];
  /** Validation samples the sensitivity passes evaluate (default 2,000; sensitivity-samples.ts). */
  readonly sensitivitySamples?: number;
  /** Recovery probe rounds after the one-shot plan (recovery-probe.ts); 0: the one-shot plan. */
  readonly recoveryRounds?: number;
  /** Training rows each recovery probe retrains on (default 20,000). */
  readonly recoverySamples?: number;
}

/**
 * The goal as `planAllocation` takes it, and what it is measured by (`loss` for a model trained on
 * `--targets`: `maxErrorIncrease` is then a share of the validation loss).
 */
export type AllocationGoal = ({ readonly maxErrorIncrease: number } | { readonly targetBytes: number } | { readonly targetRatio: number }) & { readonly metric: Metric };

/** Flags that shape a retrained automatic allocation's measurements: each needs a goal and no --calibration. */
const PLANNING_FLAGS = [
  ['sensitivitySamples', '--sensitivity-samples', "sizes an automatic allocation's sensitivity passes"],
  ['recoveryRounds', '--recovery-rounds', "sets an automatic allocation's recovery probes"],
  ['recoverySamples', '--recovery-samples', "sizes an automatic allocation's recovery probes"],
] as const;

const FLAG_NAMES = { maxErrorIncrease: '--max-error-increase', maxLossIncrease: '--max-loss-increase', targetBytes: '--target-bytes', targetRatio: '--target-ratio' } as const;

/**
 * The goal the flags ask for (undefined: none, the preset's or the flags' sparsity and bits). With
 * `--calibration`, a size (`--target-bytes`, `--target-ratio`) for the post-training planner.
 * Fails with `INVALID_OPTION` before any work when the goal cannot be planned as asked.
 */
export function allocationGoal(flags: AllocationFlags & SettingsFlags & { readonly calibration?: string; readonly targets?: string; readonly testTargets?: string; readonly targetColumns?: readonly string[] }): AllocationGoal | undefined {
  const given = (Object.keys(FLAG_NAMES) as (keyof typeof FLAG_NAMES)[]).filter((k) => flags[k] !== undefined);
  if (given.length === 0) {
    if (flags.bitLevels !== undefined) throw new DcError('INVALID_OPTION', '--bit-levels limits an automatic allocation, and no goal was given', { option: '--bit-levels', hint: 'Add --target-ratio, --target-bytes or --max-error-increase, or set the bits by hand with --bits.' });
    for (const [key, option, does] of PLANNING_FLAGS) {
      if (flags[key] !== undefined) throw new DcError('INVALID_OPTION', `${option} ${does}, and no goal was given`, { option, hint: 'Add --target-ratio, --target-bytes or --max-error-increase.' });
    }
    return undefined;
  }
  const flag = FLAG_NAMES[given[0]];
  const refuse = (message: string, hint: string, option: string = flag): never => {
    throw new DcError('INVALID_OPTION', message, { option, hint });
  };
  if (given.length > 1) refuse(`give one goal, not ${given.map((k) => FLAG_NAMES[k]).join(' and ')}`, 'Keep the one you mean: a size (--target-bytes, --target-ratio) or a budget (--max-error-increase; --max-loss-increase for a model on --targets).', FLAG_NAMES[given[1]]);
  if (flags.recoveryRounds !== undefined && flags.recoveryRounds > MAX_RECOVERY_ROUNDS) refuse(`--recovery-rounds is at most ${MAX_RECOVERY_ROUNDS}, got ${flags.recoveryRounds}`, 'Each round trains a probe; the defaults (2, or 3 for --max-error-increase) are usually enough, and the rounds stop by themselves when a plan repeats.', '--recovery-rounds');
  if (flags.targetRatio !== undefined && !(flags.targetRatio > 1)) refuse(`${flag} must be above 1, got ${flags.targetRatio}`, 'A ratio is the float32 bytes of the parameters over the file bytes, e.g. 30.');
  const budget = flags.maxErrorIncrease ?? flags.maxLossIncrease;
  if (flags.calibration !== undefined && budget !== undefined) refuse(`${flag} is a budget on retrained validation accuracy; a post-training plan on --calibration is bounded by --max-output-drift`, 'Use --max-output-drift <d> for the fidelity budget, or --target-bytes / --target-ratio for a size.');
  if (flags.calibration !== undefined && flags.bitLevels !== undefined) refuse('--bit-levels limits the retrained allocation; the post-training planner on --calibration tries its own bit widths', 'Drop --bit-levels.', '--bit-levels');
  for (const [key, option, does] of PLANNING_FLAGS) {
    if (flags.calibration !== undefined && flags[key] !== undefined) refuse(`${option} ${does} with retraining; the post-training planner measures on --calibration`, `Drop ${option} (the calibration inputs are what the plan measures).`, option);
  }
  const metric: Metric = flags.targets !== undefined || flags.testTargets !== undefined || flags.targetColumns !== undefined ? 'loss' : 'accuracy';
  const size = flags.targetBytes !== undefined ? { targetBytes: flags.targetBytes, metric } : { targetRatio: flags.targetRatio!, metric };
  if (flags.calibration !== undefined) return size;
  if (flags.retrain === false) refuse(`${flag} plans on validation accuracy and retrains to the plan; --no-retrain trains nothing`, 'Drop --no-retrain (and pass --data) to retrain to the plan, or add --calibration <inputs> for a post-training plan of that size (--target-bytes, --target-ratio) or within --max-output-drift.');
  if (flags.sparsity !== undefined || flags.bits !== undefined) refuse(`${flag} chooses each layer's sparsity and bits; --sparsity and --bits set them by hand`, `Drop --sparsity and --bits, or drop ${flag}.`);
  if (flags.seededConnectivity !== undefined) refuse(`${flag} plans magnitude pruning; --seeded-connectivity draws its masks from --sparsity`, `Drop ${flag} and give --sparsity, or drop --seeded-connectivity.`);
  if (flags.maxErrorIncrease !== undefined) {
    if (metric === 'loss') refuse(`${flag} is a budget on classification error; a model trained on --targets is measured by its loss`, 'Use --max-loss-increase <percent> (e.g. 5: the validation loss may grow 5%), or a size: --target-ratio, --target-bytes.');
    if (!(flags.maxErrorIncrease < 100)) refuse(`${flag} is in percentage points, got ${flags.maxErrorIncrease}`, 'E.g. 0.5 allows the predicted validation error to grow by half a point.');
    return { maxErrorIncrease: flags.maxErrorIncrease / 100, metric };
  }
  if (flags.maxLossIncrease !== undefined) {
    if (metric === 'accuracy') refuse(`${flag} is a budget on the loss of a model trained on --targets; class labels are measured by their error`, 'Use --max-error-increase <pp> with --labels, or give --targets.');
    if (!(flags.maxLossIncrease < 100)) refuse(`${flag} is in percent of the unchanged model's validation loss, below 100, got ${flags.maxLossIncrease}`, 'E.g. 5 allows the predicted validation loss to grow by 5%.');
    return { maxErrorIncrease: flags.maxLossIncrease / 100, metric };
  }
  return size;
}

/**
 * Plans `goal` for `model` with sensitivity measured by `held` (rows of the validation split) and
 * the writer the run uses (so a size target is measured in the run's own file format), each
 * layer's bits among `bitLevels` when given, and returns the settings with every planned layer's
 * sparsity and bits (the dense and conv2d layers) in place of the hand-set ones.
 */
export async function allocateSettings(
  model: Model,
  settings: CompressSettings,
  goal: AllocationGoal,
  o: { readonly held: SensitivityEvaluator; readonly progress: Progress; readonly bitLevels?: readonly number[]; readonly recovery?: RecoveryOptions },
): Promise<{ settings: CompressSettings; allocation: Allocation }> {
  const { held, progress, bitLevels, recovery } = o;
  const rows = held.samples < held.heldOut ? `the first ${held.samples.toLocaleString('en')} of ${held.heldOut.toLocaleString('en')} validation samples` : `the ${held.samples.toLocaleString('en')} validation samples`;
  progress.log(`automatic allocation: measuring each layer's sensitivity to pruning and to fewer bits on ${rows}`);
  const allocation = await planAllocation(model, {
    ...goal,
    ...(bitLevels ? { bitLevels } : {}),
    evaluate: held.evaluate,
    writer: () => fileStage(settings),
    // Candidates folded as the run folds before clustering: their bytes are the run's file layout.
    ...(settings.foldBatchNorm ? { afterPruning: () => [foldBatchNorm() as Stage] } : {}),
    centroidBytes: settings.float32 ? 4 : 2,
    ...(recovery ? { recovery } : {}),
    onProgress: (e) => {
      if (e.current === e.total || e.current % 10 === 0) progress.log(`  ${e.label} (${e.current}/${e.total})`);
    },
  });
  for (const line of allocation.reasons) progress.log(`allocation: ${line}`);
  return { settings: { ...settings, sparsity: allocation.sparsity, bits: allocation.bits }, allocation };
}
