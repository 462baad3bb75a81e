/**
 * Clusters the kept weights of one tensor into a codebook. Zeros (pruned weights, and exact zeros
 * of an unpruned tensor) are not clustered: they stay exactly 0 and pull no centroid.
 *
 * With `emptyClusters: 'reseed'`, empty centroids are first moved onto badly fitting weights and
 * Lloyd runs again (see `reseedEmpty`). Then centroid tidying, in this order: round to float32 (the file's precision;
 * float16 with `centroidFormat: 'float16'`), drop exact duplicates,
 * assign every kept weight to its nearest centroid (ties to the lower one), drop centroids that
 * got no weight, and repeat the assignment until none is empty. So the codebook can have fewer
 * than `2 ** bits` centroids (an empty cluster of the linear init between the two lobes of a
 * pruned layer simply disappears), and they are sorted, distinct and inside [min, max] (up to
 * float16's rounding).
 */
import { roundToFloat16, scaledValue, type Codebook, type RandomSource } from '@dc/core';
import { initCentroids } from './init.js';
import { lloyd1d, midpoints, nearest, prefixSums, upperBound } from './lloyd-1d.js';
import { mlKmeans1d } from './ml-kmeans-run.js';
import { assertChannels, assertClusterTensorOptions, type CentroidInit, type ClusterAlgorithm, type EmptyClusters } from './options.js';
import { channelScales, scaledValues } from './channel-scales.js';
import { reseedEmpty } from './reseed.js';
import { sortedFloat32 } from './sort-floats.js';

/** How to cluster one tensor. */
export interface ClusterTensorOptions {
  /** At most `2^bits` centroids, bits from 1 to `MAX_TENSOR_BITS` (12); codes above 8 bits are 16-bit. */
  readonly bits: number;
  readonly init: CentroidInit;
  readonly algorithm: ClusterAlgorithm;
  readonly maxIterations: number;
  /** What to do with centroids that attract no weight; default `'drop'`. */
  readonly emptyClusters?: EmptyClusters;
  /**
   * Per-channel scales (see channel-scales.ts): the number of channels, the product of the
   * tensor's last extents (output channels of a `[.., in, out]` kernel), so that the weight at
   * position `p` belongs to channel `p mod channels`. Absent: one codebook for the raw weights.
   */
  readonly channels?: number;
  /**
   * The precision of the centroids: `'float32'` (default) or `'float16'`, where a file stores each
   * in 2 bytes instead of 4 (a 256-entry codebook: 512 B instead of 1,024 B, which outweighs the
   * codes of a small kernel). Float16 adds at most half a float16 step (2^-11 of the centroid) to a
   * weight's error, about 1/16 of an 8-bit code's step at the range's end. A codebook with a centroid
   * that float16 cannot hold (past its range, or so small that it would round to zero) stays
   * float32 whole.
   */
  readonly centroidFormat?: CentroidFormat;
}

/** The precision of a codebook's centroids (see {@link ClusterTensorOptions.centroidFormat}). */
export type CentroidFormat = 'float32' | 'float16';

/** A clustered tensor: its codebook, its new values and what it cost. */
export interface ClusteredTensor {
  readonly codebook: Codebook;
  /** The tensor with every kept weight replaced by its centroid, zeros elsewhere. */
  readonly values: Float32Array;
  /** Lloyd iterations run. */
  readonly iterations: number;
  readonly converged: boolean;
  /** Sum of squared errors between the kept weights and their centroids. */
  readonly sse: number;
}

/** Flat positions (ascending) of the weights to cluster: kept by `mask` (when given) and nonzero. */
export function keptPositions(values: Float32Array, mask?: Uint8Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && (!mask || mask[i] === 1)) n++;
  const out = new Uint32Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && (!mask || mask[i] === 1)) out[j++] = i;
  return out;
}

/**
 * Float32 (with `'float16'`, float16 where every centroid is one; see
 * {@link ClusterTensorOptions.centroidFormat}), sorted, distinct centroids of which none is empty
 * for sorted data `xs`.
 */
export function tidyCentroids(raw: ArrayLike<number>, xs: Float64Array, format: CentroidFormat = 'float32'): Float32Array {
  const half = format === 'float16' ? Array.from(raw, (v) => roundToFloat16(v)) : undefined;
  const holds = half?.every((h, i) => Number.isFinite(h) && (h !== 0 || raw[i] === 0));
  let c = Float32Array.from(holds ? half! : raw).sort();
  c = c.filter((v, i) => i === 0 || v !== c[i - 1]);
  for (;;) {
    const mids = midpoints(c);
    const keep: number[] = [];
    let start = 0;
    for (let j = 0; j < c.length; j++) {
      const end = j < mids.length ? upperBound(xs, mids[j]) : xs.length;
      if (end > start) keep.push(c[j]);
      start = Math.max(start, end);
    }
    if (keep.length === c.length) return c;
    c = Float32Array.from(keep);
  }
}

/** Buckets per decision boundary of {@link assignCodes}' lookup table. */
const BUCKETS_PER_BOUNDARY = 8;

/**
 * Nearest-centroid codes of `values` (ties to the lower centroid, as `nearest`): bytes up to 256
 * centroids, else 16-bit. A binary search per value mispredicts a branch at each of its ~8 steps;
 * instead a table over equal-width buckets between the first and last boundary gives each value a
 * code to start from, and a short walk either way lands on `nearest`'s answer exactly.
 */
export function assignCodes(values: ArrayLike<number>, centroids: Float32Array): Uint8Array | Uint16Array {
  const mids = midpoints(centroids);
  const codes = centroids.length <= 256 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  const m = mids.length;
  const lo = m > 0 ? mids[0] : 0;
  const width = m > 1 ? mids[m - 1] - lo : 0;
  if (!(width > 0 && Number.isFinite(width))) {
    for (let i = 0; i < values.length; i++) codes[i] = nearest(mids, values[i]);
    return codes;
  }
  const buckets = BUCKETS_PER_BOUNDARY * m;
  const scale = buckets / width;
  const start = new Uint32Array(buckets + 1);
  for (let b = 0; b <= buckets; b++) start[b] = nearest(mids, lo + b / scale);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const b = (v - lo) * scale;
    let c = b < buckets ? (b > 0 ? start[Math.floor(b)] : 0) : m; // NaN: m, then walks down to nearest's 0
    // The count of boundaries below v: walk up past those below, down past those not.
    while (c < m && mids[c] < v) c++;
    while (c > 0 && !(mids[c - 1] < v)) c--;
    codes[i] = c;
  }
  return codes;
}

/** Number of distinct values in sorted `xs`. */
function countDistinct(xs: Float64Array): number {
  let d = xs.length > 0 ? 1 : 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[i - 1]) d++;
  return d;
}

/** Prefix sums of each input's sorted weights, made at its first width and shared by the others (and reseeding runs). */
const sortedSumsCache = new WeakMap<Float64Array, Float64Array>();
function sortedSums(xs: Float64Array): Float64Array {
  let sums = sortedSumsCache.get(xs);
  if (!sums) sortedSumsCache.set(xs, (sums = prefixSums(xs)));
  return sums;
}

/**
 * What clustering one tensor works on, whatever the bit width: the weights to cluster (divided by
 * their channel's scale with per-channel scales), their positions, and the same sorted. Built once
 * by {@link clusterInput}, it can be clustered at several widths ({@link clusterAtWidth}), as a
 * planner pricing candidates does, without gathering and sorting the weights again. Its arrays are
 * shared between those calls (and the sorted weights' prefix sums are kept for them): do not change them.
 */
export interface ClusterInput {
  /** The tensor. */
  readonly values: Float32Array;
  /** Flat positions of the weights to cluster (kept and nonzero; nonzero once scaled), ascending. */
  readonly positions: Uint32Array;
  /** Those weights in position order, divided by their channel's scale when `scales` is set. */
  readonly kept: Float64Array;
  /** `kept` sorted ascending. */
  readonly sorted: Float64Array;
  /** Per-channel scales (the weight at position `p` is in channel `p mod scales.length`), with channels. */
  readonly scales?: Float32Array;
}

/**
 * The {@link ClusterInput} of `values` with `mask` (see {@link clusterTensor}), with per-channel
 * scales over `channels` channels when given (channels not dividing the tensor: `INVALID_OPTION`).
 * Does not modify its inputs.
 */
export function clusterInput(values: Float32Array, mask: Uint8Array | undefined, channels?: number): ClusterInput {
  if (channels !== undefined) assertChannels(channels, values.length);
  const scales = channels === undefined ? undefined : channelScales(values, mask, channels);
  const clustered = scales ? scaledValues(values, scales) : values;
  const positions = keptPositions(clustered, mask);
  // A plain loop: TypedArray.from with a map function calls it per element, several times slower.
  const kept = new Float64Array(positions.length);
  for (let i = 0; i < positions.length; i++) kept[i] = clustered[positions[i]];
  return { values, positions, kept, sorted: sortedFloat32(kept), ...(scales ? { scales } : {}) };
}

/**
 * Clusters the kept weights of `values` (see the module comment). Does not modify its inputs.
 * Bad options (an unknown key, bits outside 1..12, channels that do not divide the tensor) are
 * `INVALID_OPTION`.
 */
export function clusterTensor(values: Float32Array, mask: Uint8Array | undefined, options: ClusterTensorOptions, random: RandomSource): ClusteredTensor {
  assertClusterTensorOptions(options, values.length);
  const { channels, ...atWidth } = options;
  return clusterAtWidth(clusterInput(values, mask, channels), atWidth, random);
}

/**
 * {@link clusterTensor} of a prepared {@link ClusterInput} (its channels, if any, are the input's):
 * exactly `clusterTensor(values, mask, { ...options, channels }, random)` for the input
 * `clusterInput(values, mask, channels)`.
 */
export function clusterAtWidth(input: ClusterInput, options: Omit<ClusterTensorOptions, 'channels'>, random: RandomSource): ClusteredTensor {
  assertClusterTensorOptions(options, input.values.length);
  const { values, positions, kept, sorted: xs, scales } = input;
  const k = Math.min(2 ** options.bits, countDistinct(xs));
  let centroids: Float32Array = new Float32Array(0);
  let iterations = 0;
  let converged = true;
  if (k > 0) {
    const init = initCentroids(options.init, xs, k, random);
    const lloyd = (from: Float64Array) => (options.algorithm === 'ml-kmeans' ? mlKmeans1d(kept, from, options.maxIterations) : lloyd1d(xs, from, options.maxIterations, sortedSums(xs)));
    let run = lloyd(init);
    iterations = run.iterations;
    for (let round = 0; options.emptyClusters === 'reseed' && round < k; round++) {
      const next = reseedEmpty(xs, run.centroids);
      if (!next) break;
      run = lloyd(next);
      iterations += run.iterations;
    }
    centroids = tidyCentroids(run.centroids, xs, options.centroidFormat);
    converged = run.converged;
  }
  const codes = assignCodes(kept, centroids);
  const out = new Float32Array(values.length);
  let sse = 0;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    // Scaled: the value .dcm readers compute (docs/format.md §9.3), its error against the raw weight.
    out[p] = scales ? scaledValue(scales[p % scales.length], centroids[codes[i]]) : centroids[codes[i]];
    sse += (values[p] - out[p]) ** 2;
  }
  // Copies of the input's arrays: a caller may change its codebook, and the input serves other widths.
  return { codebook: { bits: options.bits, centroids, positions: positions.slice(), codes, ...(scales ? { scales: scales.slice() } : {}) }, values: out, iterations, converged, sse };
}
