/**
 * What to do to each weight of a GraphModel: the fraction to prune and the bits of its codebook.
 * The seam between this package (which applies an allocation) and whatever chooses one: fixed
 * flags (`dc compress --sparsity --bits`) or a fidelity-budget planner measuring output drift.
 */
import { DcError, FLOAT16_MAX, isChannelCount } from '@dc/core';
import { MAX_TENSOR_BITS } from '@dc/quantize';
import type { GraphModelSourceTensor } from './source.js';

/** How one float32 weight is compressed. */
export interface TensorAllocation {
  /** Fraction of its elements pruned to exact zeros (smallest magnitudes), in [0, 1). */
  readonly sparsity: number;
  /** Bits of its k-means codebook (1 to 12: at most 2^bits shared values), or `null` to keep its kept values as floats. */
  readonly bits: number | null;
  /**
   * Per-channel scales (format version 5, docs/format.md §9.3): the number of channels, the
   * product of the weight's last extents (see `channelCounts`); needs `bits`. Absent: one
   * codebook for the raw weights.
   */
  readonly channels?: number;
  /** Without bits: the kept values rounded to float16 (the file then stores them in 2 bytes each). */
  readonly float16?: boolean;
}

/** Per weight name, its allocation; weights not named are stored as they are (lossless). */
export type GraphAllocation = Readonly<Record<string, TensorAllocation>>;

/** The fewest elements a float32 weight needs to be compressed by {@link uniformAllocation} (smaller ones are biases, scales, shape-like vectors). */
export const DEFAULT_MIN_ELEMENTS = 256;

/** Options of {@link uniformAllocation}. */
export interface UniformAllocationOptions {
  /** Fraction pruned of each eligible weight; default 0.5. */
  readonly sparsity?: number;
  /** Codebook bits of each eligible weight (null: prune only); default 6. */
  readonly bits?: number | null;
  /** Fewest elements for a weight to be eligible; default {@link DEFAULT_MIN_ELEMENTS} (256). */
  readonly minElements?: number;
}

/** Whether every value is finite (graph constants may be -inf thresholds or paddings). */
function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * Whether a weight is compressed by default: float32, finite, with at least `minElements`
 * elements. int32 and bool weights (shapes, axes, indices), small float vectors (biases,
 * batch-norm scales, scalars) and constants holding infinities or NaN are stored exactly as they are.
 */
export function isEligible(t: Pick<GraphModelSourceTensor, 'dtype' | 'values'>, minElements = DEFAULT_MIN_ELEMENTS): boolean {
  return t.dtype === 'float32' && t.values.length >= minElements && allFinite(t.values);
}

/** The same sparsity and bits for every eligible weight (see {@link isEligible}). */
export function uniformAllocation(tensors: readonly GraphModelSourceTensor[], options: UniformAllocationOptions = {}): GraphAllocation {
  const sparsity = options.sparsity ?? 0.5;
  const bits = options.bits === undefined ? 6 : options.bits;
  const out: Record<string, TensorAllocation> = {};
  for (const t of tensors) if (isEligible(t, options.minElements)) out[t.name] = { sparsity, bits };
  checkAllocation(out, tensors);
  return out;
}

/**
 * `INVALID_OPTION` (naming the weight) unless every entry of `allocation` names a finite float32
 * weight of `tensors` with a sparsity in [0, 1), bits null or an integer from 1 to 12, and
 * `channels`, when given, a channel count of its shape (with bits); `float16` only without bits,
 * on values within float16's range.
 */
export function checkAllocation(allocation: GraphAllocation, tensors: readonly GraphModelSourceTensor[]): void {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const [name, a] of Object.entries(allocation)) {
    const fail = (why: string): never => {
      throw new DcError('INVALID_OPTION', `allocation of ${name}: ${why}`, { tensor: name, option: 'allocation', hint: `Give each float32 weight of the model { sparsity in [0, 1), bits: 1..${MAX_TENSOR_BITS} or null, channels?: the product of its last extents (with bits), float16?: boolean (without bits) }.` });
    };
    const t = byName.get(name);
    if (!t) fail('the model has no weight of that name');
    if (t!.dtype !== 'float32') fail(`it is a ${t!.dtype} weight: only float32 weights are pruned and clustered`);
    if (!allFinite(t!.values)) fail('it holds infinite or NaN values (a graph constant): it is stored as it is');
    if (typeof a?.sparsity !== 'number' || !(a.sparsity >= 0 && a.sparsity < 1)) fail(`sparsity ${String(a?.sparsity)} is not in [0, 1)`);
    if (a.bits !== null && !(Number.isInteger(a.bits) && a.bits >= 1 && a.bits <= MAX_TENSOR_BITS)) fail(`bits ${String(a.bits)} is not null or an integer from 1 to ${MAX_TENSOR_BITS}`);
    if (a.float16 !== undefined && typeof a.float16 !== 'boolean') fail('float16 is not true or false');
    if (a.float16 && a.bits !== null) fail('float16 rounds float values: it needs bits null');
    if (a.float16 && !Array.prototype.every.call(t!.values, (v: number) => Math.abs(v) <= FLOAT16_MAX)) fail(`float16: a value is past float16's range (${FLOAT16_MAX})`);
    if (a.channels !== undefined) {
      if (a.bits === null) fail('channels (per-channel scales) needs bits');
      if (!Number.isInteger(a.channels) || !isChannelCount(t!.shape, a.channels)) fail(`channels ${String(a.channels)} is not the product of the last extents of [${t!.shape.join(', ')}]`);
    }
  }
}
