/**
 * Options of {@link planPostTraining} and their validation.
 */
import { isChannelCount, optionChecks, type OptionChecks, type OptionKeys, type ProgressEvent } from '@dc/core';
import { MAX_TENSOR_BITS } from '@dc/quantize';
import { OUTPUT_KINDS, type OutputBatch, type OutputKind } from './fidelity.js';
import type { CompressTensor } from './tensor-candidates.js';

/** A float tensor the planner may compress (pass only those you allow it to touch). */
export interface PlanTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
  /**
   * Channels for per-channel-scaled candidates (the product of the tensor's last extents, e.g. its
   * output channels; see `compressTensor`): each coded candidate is then also tried with scales,
   * and the cheaper at the price wins. Only where your writer stores scales (GraphModel files).
   */
  readonly channels?: number;
  /**
   * How this tensor is compressed, instead of the options' `compressTensor` (e.g. with its op's
   * input moments for error-feedback rounding, reporting its own error; see `CompressedTensor.error`).
   */
  readonly compress?: CompressTensor;
}

/**
 * Runs the model on one calibration batch with some weights substituted: `weights` holds only the
 * tensors that differ from the original (by name); every other tensor keeps its original values.
 * Returns every output of the batch, in a fixed order.
 */
export type RunWithWeights<TBatch> = (weights: ReadonlyMap<string, Float32Array>, batch: TBatch) => Promise<readonly OutputBatch[]> | readonly OutputBatch[];

/** Options of {@link planPostTraining}. */
export interface PostTrainingOptions<TBatch> {
  readonly tensors: readonly PlanTensor[];
  /** Calibration batches (held out of whatever you test on). */
  readonly calibration: readonly TBatch[];
  /**
   * The calibration batches again, each input value moved by one grey level at random (for
   * photographs; see the CLI's `jitterInput`): the original model's outputs on them mark what it
   * cannot reproduce itself (keypoints it moves, samples whose top-1 it changes, scores it changes,
   * mask pixels it flips beyond the budget), which is then not judged; its drift under the jitter
   * is reported as the plan's `jitterFidelity`. One draw (as many batches as `calibration`) or
   * several one after another (draw j's batch b at `j × calibration.length + b`): an entry any draw
   * changes beyond the budget is not judged. Default: none, every entry judged.
   */
  readonly jitteredCalibration?: readonly TBatch[];
  readonly run: RunWithWeights<TBatch>;
  /** The fidelity budget's one number (see `budgetFor`); default 0.02. */
  readonly maxOutputDrift?: number;
  /** The kind of each output (undefined entries, or no list: detected from the original outputs by `detectOutputKind`). */
  readonly outputKinds?: readonly (OutputKind | undefined)[];
  /** Sparsities a tensor may take; default 0, 0.3, 0.5, 0.7. */
  readonly sparsityLevels?: readonly number[];
  /** Bits per code a tensor may take (or stay float); default 3, 4, 5, 6, 7, 8. */
  readonly bitLevels?: readonly number[];
  /**
   * Bits per code above 8 (at most 12), tried on unpruned tensors only: the steps between 8-bit
   * codes and floats (float16 costs 16 bits per weight) for tensors the budget cannot let take
   * coarse codes. Default 10, 12; [] for none. Only where your writer stores codes of more than
   * 8 bits (`.dcm` files store codebooks of up to 65,536 entries).
   */
  readonly fineBitLevels?: readonly number[];
  /** The one-tensor probes that measure sensitivity: pruning alone at `sparsity`, codes alone at `bits`; default 0.5 and 4. */
  readonly probe?: { readonly sparsity: number; readonly bits: number };
  /** Calibration batches the probes run on (the first ones); default 1. Verification runs on all. */
  readonly sensitivityBatches?: number;
  /**
   * At most this many tensors are probed, the largest first; smaller ones take the highest gain
   * measured (a conservative guess). Default: all.
   */
  readonly maxProbedTensors?: number;
  /**
   * Also try each float32 tensor rounded to float16 (2 bytes per weight, relative error ≤ 2^-11):
   * only where your writer stores float16-exact values in 2 bytes (GraphModel files do). Default false.
   */
  readonly float16?: boolean;
  /** Most verifications of a whole allocation on the calibration set; default 8. */
  readonly maxVerifications?: number;
  /**
   * Most culprit searches; default 3. An allocation measured far over its predicted drift (one
   * tensor makes an output jump) is bisected for the tensor that tips it over (with the earlier
   * change it needs, if it jumps only with one), whose gains then grow by the misprediction and
   * which may only take candidates that move its weights less: each search costs at most
   * `2 × ceil(log2 T) + 1` verifications beside `maxVerifications`. 0: none.
   */
  readonly maxCulpritSearches?: number;
  /**
   * Most refinement steps after the search; default 16, 0: none. Each verifies, on every
   * calibration batch, the accepted allocation with one more tensor one step cheaper (the tensor
   * that saves the most bytes first, its candidate of least predicted drift), kept when within the
   * budget tightened by `refineMargin`: where the probes overstate a tensor's harm, measuring finds
   * the bytes the budget allows. Costs `maxRefinements` verifications at most.
   */
  readonly maxRefinements?: number;
  /**
   * The share of the budget a refinement step may use (default 0.75: a step must measure within
   * `budgetFor(0.75 × maxOutputDrift)`), headroom for inputs not calibrated on.
   */
  readonly refineMargin?: number;
  /**
   * Check the search's allocation against the cautious one — every tensor unpruned, in 8-bit codes
   * (per-channel scales where offered) or lossless where smaller — and refine from that one where it
   * is smaller and verified within budget (default true; one more verification, only where it is
   * smaller). The search adds drifts probed one tensor at a time, which can overstate the harm of
   * many small steps together and settle on a larger file, keeping many tensors as floats.
   */
  readonly cautiousStart?: boolean;
  /**
   * A size target in place of the budget's search: the allocation of least predicted drift whose
   * file (measured with `fileBytes`, else the planned tensors' predicted bytes) takes at most this
   * many bytes; it is verified on every calibration batch and reported against the budget, within
   * it or not (an allocation measured far over its prediction has its culprit found and made
   * gentler, as in the budget's search, up to `maxCulpritSearches`). No refinement. Default: none.
   */
  readonly targetBytes?: number;
  /** The bytes of the file your writer writes for an allocation (the plan's `allocation` shape), for `targetBytes`. */
  readonly fileBytes?: (allocation: Record<string, PlannedTensor>) => number | Promise<number>;
  /** How a tensor is compressed (default a fresh `tensorCompressor()`, i.e. `compressTensor`): pass your writer's own reconstruction. */
  readonly compressTensor?: CompressTensor;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** One tensor's entry of a plan's `allocation`: fraction pruned, bits per code (null: float) and, when chosen, the channels of per-channel scales or float16 rounding. */
export interface PlannedTensor {
  readonly sparsity: number;
  readonly bits: number | null;
  readonly channels?: number;
  readonly float16?: boolean;
}

/** The name used in errors. */
export const POST_TRAINING_PLANNER = 'dc:allocate-post-training';
export const DEFAULT_POST_TRAINING_SPARSITY = [0, 0.3, 0.5, 0.7];
export const DEFAULT_POST_TRAINING_BITS = [3, 4, 5, 6, 7, 8];
/** Bits above 8 tried on unpruned tensors, by default (see `fineBitLevels`). */
export const DEFAULT_POST_TRAINING_FINE_BITS = [10, 12];
export const DEFAULT_CULPRIT_SEARCHES = 3;
/** Refinement steps after the search, by default (see `maxRefinements`). */
export const DEFAULT_REFINEMENTS = 16;
/** The share of the budget a refinement step may use, by default (see `refineMargin`). */
export const DEFAULT_REFINE_MARGIN = 0.75;

const KEYS: OptionKeys<PostTrainingOptions<unknown>> = {
  tensors: true, calibration: true, jitteredCalibration: true, run: true, maxOutputDrift: true, outputKinds: true, sparsityLevels: true, bitLevels: true, fineBitLevels: true,
  probe: true, sensitivityBatches: true, maxProbedTensors: true, maxVerifications: true, maxCulpritSearches: true, maxRefinements: true, refineMargin: true, cautiousStart: true, float16: true, targetBytes: true, fileBytes: true, compressTensor: true, signal: true, onProgress: true,
};

const check: OptionChecks = optionChecks(POST_TRAINING_PLANNER);

/** Validates the options (`INVALID_OPTION` naming the option). */
export function checkPostTrainingOptions(o: PostTrainingOptions<unknown>): void {
  check.object<PostTrainingOptions<unknown>>(o, 'options', KEYS);
  check.that(Array.isArray(o.tensors) && o.tensors.length > 0, 'tensors', 'must be a non-empty array of { name, shape, values }');
  check.names(o.tensors.map((t) => t.name), 'tensors');
  for (const t of o.tensors) check.that(t.values instanceof Float32Array && t.values.length === t.shape.reduce((a: number, b: number) => a * b, 1), 'tensors', `tensor "${t.name}": values must be a Float32Array of its shape's size`);
  for (const t of o.tensors) if (t.compress !== undefined) check.that(typeof t.compress === 'function', 'tensors', `tensor "${t.name}": compress must be a function like compressTensor`);
  for (const t of o.tensors) if (t.channels !== undefined) check.that(isChannelCount(t.shape, t.channels), 'tensors', `tensor "${t.name}": channels ${String(t.channels)} is not the product of the last extents of its shape`);
  check.that(Array.isArray(o.calibration) && o.calibration.length > 0, 'calibration', 'must be a non-empty array of batches');
  if (o.jitteredCalibration !== undefined) check.that(Array.isArray(o.jitteredCalibration) && o.jitteredCalibration.length > 0 && o.jitteredCalibration.length % o.calibration.length === 0, 'jitteredCalibration', `must be an array of as many batches as calibration (${o.calibration.length}) per draw`);
  check.that(typeof o.run === 'function', 'run', 'must be a function (weights, batch) → outputs');
  if (o.maxOutputDrift !== undefined) check.number(o.maxOutputDrift, 'maxOutputDrift', { above: 0, below: 1 });
  for (const k of (o.outputKinds ?? []).filter((x) => x !== undefined)) check.oneOf(k, 'outputKinds', OUTPUT_KINDS);
  for (const s of o.sparsityLevels ?? []) check.number(s, 'sparsityLevels', { min: 0, below: 1 });
  for (const b of o.bitLevels ?? []) check.number(b, 'bitLevels', { integer: true, min: 1, max: 8 });
  for (const b of o.fineBitLevels ?? []) check.number(b, 'fineBitLevels', { integer: true, min: 9, max: MAX_TENSOR_BITS });
  if (o.probe) {
    check.number(o.probe.sparsity, 'probe.sparsity', { above: 0, below: 1 });
    check.number(o.probe.bits, 'probe.bits', { integer: true, min: 1, max: 8 });
  }
  if (o.sensitivityBatches !== undefined) check.number(o.sensitivityBatches, 'sensitivityBatches', { integer: true, min: 1 });
  if (o.maxProbedTensors !== undefined) check.number(o.maxProbedTensors, 'maxProbedTensors', { integer: true, min: 0 });
  if (o.maxVerifications !== undefined) check.number(o.maxVerifications, 'maxVerifications', { integer: true, min: 1 });
  if (o.maxCulpritSearches !== undefined) check.number(o.maxCulpritSearches, 'maxCulpritSearches', { integer: true, min: 0 });
  if (o.maxRefinements !== undefined) check.number(o.maxRefinements, 'maxRefinements', { integer: true, min: 0 });
  if (o.refineMargin !== undefined) check.number(o.refineMargin, 'refineMargin', { above: 0, max: 1 });
  if (o.cautiousStart !== undefined) check.that(typeof o.cautiousStart === 'boolean', 'cautiousStart', `${String(o.cautiousStart)} is not a boolean`);
  if (o.float16 !== undefined) check.that(typeof o.float16 === 'boolean', 'float16', 'must be true or false');
  if (o.targetBytes !== undefined) check.number(o.targetBytes, 'targetBytes', { integer: true, min: 1 });
  if (o.fileBytes !== undefined) check.that(typeof o.fileBytes === 'function' && o.targetBytes !== undefined, 'fileBytes', 'must be a function (allocation) → bytes, given with targetBytes');
}
