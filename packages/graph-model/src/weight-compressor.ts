/**
 * One float32 weight of a GraphModel compressed as its allocation says: the function the `.dcm`
 * writer applies per weight, and, for a planner that tries many allocations of one weight, the
 * same function with the work that does not depend on the bits done once per sparsity.
 */
import { createRandom, exactInFloat16, roundToFiniteFloat16, roundToFloat16, type Codebook } from '@dc/core';
import { applyMask, pruneToSparsity } from '@dc/prune';
import { clusterAtWidth, clusterInput, codeWithErrorFeedback, gridCodes, roundWithErrorFeedback, type ClusterInput, type ClusteredTensor, type ErrorFeedback } from '@dc/quantize';
import type { TensorAllocation } from './allocation.js';

/** `values` with every -0 made +0 (the file stores zeros as +0). */
export function positiveZeros(values: Float32Array): Float32Array {
  const out = new Float32Array(values);
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = 0;
  return out;
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The finite float32 nearest `v` (NaN stays NaN): past ±{@link FLOAT32_MAX} it is clamped, not ±Infinity. */
function roundToFiniteFloat32(v: number): number {
  return Math.fround(v > FLOAT32_MAX ? FLOAT32_MAX : v < -FLOAT32_MAX ? -FLOAT32_MAX : v);
}

/**
 * Codebooks of codes up to this many bits hold float16 centroids (2 bytes each in the file, where
 * float32 ones take 4: a 256-entry codebook is 512 B, no longer more than the codes of a
 * 576-weight kernel); float16's rounding adds at most 1/16 of an 8-bit code's step to a weight.
 * Finer codes keep float32 centroids: at 12 bits float16's step is as coarse as the code's.
 */
export const FLOAT16_CENTROIDS_MAX_BITS = 8;

/**
 * Codes of this many bits or more with per-channel scales are uniform-grid codes (`gridCodes` of
 * `@dc/quantize`: each weight a whole multiple of its channel's step), not k-means centroids: the
 * codebook is then a range of whole numbers, stored in 4 bytes (format version 9,
 * docs/format.md §9.6), where 512 to 4,096 learned float32 centroids take 2 to 16 KB. At such
 * widths the grid is about as precise in fewer bytes (four models of the pretrained corpus, every
 * kernel in 10-bit codes: squared error 1.1-1.3 times k-means', bytes 5-40% fewer; in 12-bit
 * codes the grid's error is the lower).
 */
export const GRID_CODES_MIN_BITS = 9;

/** One float32 weight compressed: the values the file decodes to, and how the file stores them. */
export interface CompressedWeight {
  /**
   * Pruned elements exactly +0, clustered ones their centroid, the others as given (-0 as +0).
   * Without a codebook the writer stores the nonzero values: a weight pruning kept that was
   * already zero (an already-sparse model) costs nothing.
   */
  readonly values: Float32Array;
  /** The codebook (when clustered). */
  readonly codebook?: Codebook;
  /** With error feedback: the op's output error Σ_o Δw_o · (H + λI) · Δw_o of the change. */
  readonly error?: number;
}

/** Options of {@link compressWeight} and {@link weightCompressor}. */
export interface CompressWeightOptions {
  /** Seed of the clustering's random source (the linear init draws none); default 1. */
  readonly seed?: number;
  /** Lloyd iterations at most; default 300. */
  readonly maxIterations?: number;
  /** The moments of the op consuming the weight, for error-feedback rounding. */
  readonly feedback?: ErrorFeedback;
}

/**
 * Compresses one float32 weight as `allocation` says: its `sparsity` fraction of smallest
 * magnitudes to exact zeros (`pruneToSparsity` of `@dc/prune`), then, when `bits` is set, its kept
 * values to at most `2^bits` shared k-means centroids (`clusterTensor` of `@dc/quantize`: linear
 * init, sorted 1-D Lloyd; float16 up to {@link FLOAT16_CENTROIDS_MAX_BITS} bits), learned on the
 * weights divided by per-channel scales when `channels` is set (each weight then
 * `float32(scale × centroid)`); without bits, `float16` rounds the kept values to float16. Codes
 * of {@link GRID_CODES_MIN_BITS} bits or more with per-channel scales are uniform-grid codes
 * instead (`gridCodes` of `@dc/quantize`). With `feedback` (the moments of the op consuming the
 * weight, laid out `[inputs, outputs]`), the same weights are pruned and the same codebook
 * learned, but each kept weight takes the centroid (or float, or float16) nearest its value after
 * the errors of the inputs before it were fed back (`@dc/quantize`'s `roundWithErrorFeedback`): the op's output
 * moves less, the weights more. The one function `compressGraphModel` uses per weight: a
 * planner that verifies `values` verifies exactly what the file will decode to.
 */
export function compressWeight(input: Float32Array, allocation: TensorAllocation, options: CompressWeightOptions = {}): CompressedWeight {
  return weightCompressor(input, options)(allocation);
}

/** What one sparsity leaves of the weight, whatever the bits: the mask, the pruned values and their clustering inputs. */
interface Pruned {
  readonly sparsity: number;
  readonly mask: Uint8Array | undefined;
  readonly values: Float32Array;
  /** Per channel count (`undefined`: no scales), built when first clustered. */
  readonly inputs: Map<number | undefined, ClusterInput>;
}

/**
 * {@link compressWeight} of `input` for any allocation, the same bit for bit, for a caller that
 * compresses one weight many ways (a planner pricing its candidates): the pruning, and the kept
 * weights gathered and sorted for clustering, are computed once per sparsity and reused by the
 * calls at that sparsity (in any order; only the last sparsity is kept, so memory stays one
 * weight's worth). `input` must not change while the function is used.
 */
export function weightCompressor(input: Float32Array, options: CompressWeightOptions = {}): (allocation: TensorAllocation) => CompressedWeight {
  const values = positiveZeros(input);
  const feedback = options.feedback;
  let last: Pruned | undefined;
  const prunedTo = (sparsity: number): Pruned => {
    if (last?.sparsity !== sparsity) {
      const mask = sparsity > 0 ? pruneToSparsity({ values }, sparsity).mask : undefined;
      last = { sparsity, mask, values: mask ? applyMask(values, mask) : values, inputs: new Map() };
    }
    return last;
  };
  return (allocation) => {
    const { mask, values: pruned, inputs } = prunedTo(allocation.sparsity);
    if (allocation.bits === null) {
      // float16: the kept values rounded (the writer then stores them in 2 bytes, exactly); -0 stays +0.
      if (!feedback || (!mask && !allocation.float16)) return { values: allocation.float16 ? pruned.map((v) => roundToFloat16(v) + 0) : pruned.slice() };
      // Fed: a kept weight that was zero stays zero (the writer stores only the nonzero values), and
      // weights that came as float16 stay float16 (stored in 2 bytes, as the planner prices them).
      // A fed value can leave the format's range (a pruned neighbour's loss added to a large
      // weight): it takes the nearest finite value, never Infinity.
      const half = allocation.float16 === true || exactInFloat16(values);
      const fed = roundWithErrorFeedback(values, feedback, (p, v) => (pruned[p] === 0 ? 0 : half ? roundToFiniteFloat16(v) + 0 : roundToFiniteFloat32(v) + 0));
      return { values: fed.values, error: fed.error };
    }
    const channels = allocation.channels;
    let clustered: ClusteredTensor;
    if (channels !== undefined && allocation.bits >= GRID_CODES_MIN_BITS) {
      clustered = gridCodes(pruned, mask, { bits: allocation.bits, channels });
    } else {
      if (!inputs.has(channels)) inputs.set(channels, clusterInput(pruned, mask, channels));
      const centroidFormat = allocation.bits <= FLOAT16_CENTROIDS_MAX_BITS ? 'float16' : 'float32';
      clustered = clusterAtWidth(inputs.get(channels)!, { bits: allocation.bits, init: 'linear', algorithm: 'lloyd-1d', maxIterations: options.maxIterations ?? 300, emptyClusters: 'drop', centroidFormat }, createRandom(options.seed ?? 1));
    }
    // Nothing left to cluster (every value zero): the zeros are stored as floats.
    if (clustered.codebook.centroids.length === 0) return { values: pruned.slice() };
    if (!feedback) return { values: clustered.values, codebook: clustered.codebook };
    return codeWithErrorFeedback(values, clustered.codebook, feedback);
  };
}
