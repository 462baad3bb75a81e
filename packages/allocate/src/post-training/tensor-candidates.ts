/**
 * What each tensor may become without retraining, and what each choice costs in weight error and
 * bytes: magnitude pruning to a sparsity (`@dc/prune`), then k-means weight sharing of the kept
 * weights to `bits` (`@dc/quantize`, linear init, 1-D Lloyd), or kept float (`bits: null`).
 */
import { createRandom, entropyOf, EXACT_CODEBOOK_MIN_ELEMENTS, exactCodebook, exactCodebookBound, exactInFloat16, FLOAT16_MAX, roundToFloat16 } from '@dc/core';
import { applyMask, pruneToSparsity } from '@dc/prune';
import { clusterAtWidth, clusterInput, codeWithErrorFeedback, type ClusterInput, type ErrorFeedback } from '@dc/quantize';
import { indexBits, layerBytes } from '../size-model.js';

/** One tensor's compressed values and what the writer spends on them. */
export interface CompressedTensor {
  /** The reconstruction: pruned weights exactly 0, kept ones replaced by their centroid. */
  readonly values: Float32Array;
  readonly kept: number;
  /**
   * Bits per kept weight's code after entropy coding (the code histogram's entropy); for floats
   * (`bits` null), the bits the writer stores each kept value in: 32, or 16 where it stores float16.
   */
  readonly codeBits: number;
  /** Codebook entries (0 for float). */
  readonly centroids: number;
  /** Bytes the writer spends per codebook entry: 4 (float32, the default) or 2 (float16). */
  readonly centroidBytes?: number;
  /**
   * Bytes the writer spends on the whole codebook, where that is not `centroids × centroidBytes`
   * (a GraphModel file stores a codebook of consecutive whole numbers, a uniform grid's, in 4).
   */
  readonly codebookBytes?: number;
  /**
   * The error the planner prices this change by, when the compression measured its own (e.g. the
   * op's output error of error-feedback rounding); absent: Σ (w − ŵ)² of the values.
   */
  readonly error?: number;
}

/**
 * Compresses one tensor to `sparsity` and `bits` (null: pruned but float). Pass your writer's own
 * function where it reconstructs differently, so that what the planner verifies is what it writes.
 */
export type CompressTensor = (values: Float32Array, sparsity: number, bits: number | null, form?: TensorForm) => CompressedTensor;

/** How a candidate stores what it keeps, besides sparsity and bits. */
export interface TensorForm {
  /** Codes (bits set): per-channel scales over this many channels (channel of position p: p mod channels). */
  readonly channels?: number;
  /** Floats (bits null): kept values rounded to float16 (2 bytes each). */
  readonly float16?: boolean;
}

/**
 * The default {@link CompressTensor}: `pruneToSparsity`, then `clusterTensor` (linear init, Lloyd,
 * 50 iterations), with per-channel scales when `form.channels` is given (one codebook on the
 * weights divided by each channel's largest magnitude), or, without bits, the kept values rounded
 * to float16 when `form.float16`. Each call starts afresh; {@link tensorCompressor} gives the same
 * answers and reuses the pruning and sorting between calls on one tensor.
 */
export const compressTensor: CompressTensor = (values, sparsity, bits, form) => tensorCompressor()(values, sparsity, bits, form);

/** How a {@link tensorCompressor} clusters and prices, where a writer differs from the defaults. */
export interface TensorCompressorOptions {
  /** Lloyd iterations per clustering; default 50. */
  readonly maxIterations?: number;
  /** Bits the writer stores a kept float in (unless rounded to float16 by the form); default 32. */
  readonly floatBits?: 16 | 32;
  /** Bytes the writer spends per codebook entry (see {@link CompressedTensor.centroidBytes}); default unsaid: 4. */
  readonly centroidBytes?: number;
  /**
   * The moments of the op that consumes the tensor (`@dc/quantize`'s `prepareErrorFeedback`): each
   * coded candidate's codes are then chosen by error-feedback rounding of the tensor as given
   * (`codeWithErrorFeedback`: the same centroids and kept positions, the pruned weights' loss fed
   * back too), and priced by its op's output error (`error`). Float candidates are not changed.
   * One compressor per tensor, then.
   */
  readonly feedback?: ErrorFeedback;
}

/**
 * {@link compressTensor} that remembers the last tensor it was asked about: calls on the same
 * array at one sparsity share its pruning, and calls that also share `form.channels` its sorted
 * kept (scaled) weights, so a tensor's candidates are pruned and sorted once per sparsity, not once
 * per bit width. Holds one tensor's worth of memory; the array must not change between calls (a
 * changed tensor is a new array). `planPostTraining` makes one per plan; `options` fit it to a
 * writer that clusters longer or stores floats and codebooks in float16.
 */
export function tensorCompressor(options: TensorCompressorOptions = {}): CompressTensor {
  const { maxIterations = 50, floatBits = 32, centroidBytes, feedback } = options;
  let last: { values: Float32Array; sparsity: number; pruned: Float32Array; kept: number; inputs: Map<number | undefined, ClusterInput> } | undefined;
  return (values, sparsity, bits, form = {}) => {
    if (last?.values !== values || last.sparsity !== sparsity) {
      const pruned = sparsity > 0 ? applyMask(values, pruneToSparsity({ values }, sparsity).mask) : values;
      let kept = 0;
      for (let i = 0; i < pruned.length; i++) if (pruned[i] !== 0) kept++;
      last = { values, sparsity, pruned, kept, inputs: new Map() };
    }
    const { pruned, kept, inputs } = last;
    if (bits === null) {
      const out = new Float32Array(pruned);
      if (form.float16) out.forEach((v, i) => (out[i] = roundToFloat16(v)));
      return { values: out, kept, codeBits: form.float16 ? 16 : floatBits, centroids: 0 };
    }
    let input = inputs.get(form.channels);
    if (!input) inputs.set(form.channels, (input = clusterInput(pruned, undefined, form.channels)));
    const out = clusterAtWidth(input, { bits, init: 'linear', algorithm: 'lloyd-1d', maxIterations }, createRandom(1));
    const centroids = out.codebook.centroids.length;
    const priced = centroidBytes === undefined ? {} : { centroidBytes };
    if (!feedback || centroids === 0) return { values: out.values, kept, codeBits: entropyBits(out.codebook.codes, centroids), centroids, ...priced };
    const fed = codeWithErrorFeedback(values, out.codebook, feedback);
    return { values: fed.values, kept, codeBits: entropyBits(fed.codebook.codes, centroids), centroids, ...priced, error: fed.error };
  };
}

/** Shannon entropy (bits per symbol) of `codes` taking `k` values. */
export function entropyBits(codes: ArrayLike<number>, k: number): number {
  if (k <= 1) return 0;
  const counts = new Float64Array(k);
  for (let i = 0; i < codes.length; i++) counts[codes[i]]++;
  return entropyOf(counts);
}

/**
 * Predicted bytes of `values` stored losslessly, as `@dc/core`'s writers store a tensor they are
 * not asked to compress, the fewest of: its floats (2 bytes each when every value is a float16,
 * else 4), only its nonzero floats with their entropy-coded positions (an already-pruned model),
 * or, from `EXACT_CODEBOOK_MIN_ELEMENTS` elements, the entropy-coded indices of its exact codebook
 * (values that repeat: a converter's uint8 or float16 weights; `exactCodebook`).
 */
export function losslessBytes(values: Float32Array): number {
  return losslessBytesOf(values, exactInFloat16(values) ? 16 : 32);
}

/** {@link losslessBytes} of values whose float width (16 when every value is a float16) is known. */
function losslessBytesOf(values: Float32Array, floatBits: 16 | 32): number {
  const n = values.length;
  let nonzero = 0;
  for (let i = 0; i < n; i++) if (values[i] !== 0) nonzero++;
  let bytes = (floatBits * n) / 8;
  if (nonzero < n) bytes = Math.min(bytes, sparseFloatBytes(nonzero, n, floatBits));
  const cb = n >= EXACT_CODEBOOK_MIN_ELEMENTS ? exactCodebook(values) : undefined;
  return cb ? Math.min(bytes, exactCodebookBound(cb, n, exactInFloat16(cb.centroids) ? 2 : 4)) : bytes;
}

/** Predicted bytes of `kept` of `n` values stored sparse as floats of `floatBits` bits, with their entropy-coded positions. */
function sparseFloatBytes(kept: number, n: number, floatBits: number): number {
  return (kept * (floatBits + indexBits(kept / n))) / 8;
}

/** One choice for one tensor, with its errors and bytes. */
export interface TensorCandidate {
  readonly sparsity: number;
  /** Bits per code, or null: float. */
  readonly bits: number | null;
  /** Per-channel scales over this many channels (coded candidates only; absent: one codebook for the raw weights). */
  readonly channels?: number;
  /** Float candidates: the values rounded to float16. */
  readonly float16?: boolean;
  /** The error of pruning alone (pruned but float): Σ w² of the pruned weights, or the compression's own measure (see {@link CompressedTensor.error}). */
  readonly pruneError: number;
  /** The error the codes add to it (0 for float): Σ (w − ŵ)² over the kept weights, or the compression's own measure less `pruneError`. */
  readonly quantizeError: number;
  /** Predicted bytes in the file (see `layerBytes`; float: 4 bytes per kept weight, 2 where stored float16, plus the index). */
  readonly bytes: number;
}

/** The choices {@link tensorCandidates} offers a tensor. */
export interface CandidateGrid {
  /** Sparsities a tensor may take (each with every bit width of `bits`). */
  readonly sparsities: readonly number[];
  /** Bits per code at each sparsity (at most 8). */
  readonly bits: readonly number[];
  /** Bits per code above 8 (at most 12), tried on the unpruned tensor only; default none. */
  readonly fineBits?: readonly number[];
  /** The sparsity of the pruning probe: its pruned-but-float candidate is always offered. */
  readonly probeSparsity: number;
  /** Per-channel scales over this many channels: each coded candidate is also tried with them. */
  readonly channels?: number;
  /** A float32 tensor may also be rounded to float16; default false. */
  readonly float16?: boolean;
}

/**
 * Every candidate of one tensor: float (sparsity 0), each sparsity × each bit width, the
 * unpruned tensor at each of `fineBits` (finer codes, between 8-bit codes and float16's 16 bits
 * per weight, for tensors that cannot take coarse ones), plus the pruned-but-float candidate at
 * `probeSparsity` (what the pruning probe measures). Unpruned floats cost their
 * {@link losslessBytes} (values a converter quantized are coded by their exact codebook); pruned
 * floats 2 bytes each when every value is a float16 or the writer stores floats as float16 (the
 * `codeBits` of `compress(values, 0, null)`), else 4; codebooks cost each compression's
 * `codebookBytes`, else its `centroidBytes` per entry. With `channels`, each coded candidate
 * also comes with per-channel scales (its bytes plus one float16 scale per channel); with
 * `float16`, a float32 tensor may also be rounded to float16 (at most 2 bytes per weight: the
 * rounded values' {@link losslessBytes}).
 */
export function tensorCandidates(values: Float32Array, grid: CandidateGrid, compress: CompressTensor): TensorCandidate[] {
  const n = values.length;
  // Floats as the writer stores them: 16 bits where every value is a float16 or it rounds them so.
  const floatBits = exactInFloat16(values) || compress(values, 0, null).codeBits <= 16 ? 16 : 32;
  const out: TensorCandidate[] = [{ sparsity: 0, bits: null, pruneError: 0, quantizeError: 0, bytes: losslessBytesOf(values, floatBits) }];
  if (grid.float16 && floatBits === 32 && values.every((v) => Math.abs(v) <= FLOAT16_MAX)) {
    const rounded = compress(values, 0, null, { float16: true });
    out.push({ sparsity: 0, bits: null, float16: true, pruneError: 0, quantizeError: changeError(values, rounded), bytes: losslessBytes(rounded.values) });
  }
  const coded = (s: number, pruneError: number, b: number): void => {
    for (const ch of grid.channels === undefined ? [undefined] : [undefined, grid.channels]) out.push(codedCandidate(values, s, pruneError, b, ch, compress));
  };
  for (const s of new Set([...grid.sparsities, grid.probeSparsity])) {
    const pruned = s > 0 ? compress(values, s, null) : undefined;
    const pruneError = pruned ? changeError(values, pruned) : 0;
    if (pruned && s === grid.probeSparsity) {
      out.push({ sparsity: s, bits: null, pruneError, quantizeError: 0, bytes: sparseFloatBytes(pruned.kept, n, floatBits) });
    }
    if (!grid.sparsities.includes(s)) continue;
    for (const b of grid.bits) coded(s, pruneError, b);
  }
  for (const b of grid.fineBits ?? []) coded(0, 0, b);
  return out;
}

/**
 * One coded candidate of {@link tensorCandidates}: `values` pruned to `sparsity` (whose error alone
 * is `pruneError`) and coded in `bits`, with per-channel scales over `channels` when given, its
 * bytes as the writer stores them (codes at the compression's `codeBits`, the codebook at its
 * `codebookBytes` or `centroidBytes` per entry, one float16 scale per channel).
 */
export function codedCandidate(values: Float32Array, sparsity: number, pruneError: number, bits: number, channels: number | undefined, compress: CompressTensor): TensorCandidate {
  const n = values.length;
  const c = compress(values, sparsity, bits, channels === undefined ? {} : { channels });
  const total = changeError(values, c);
  const codebook = c.codebookBytes === undefined ? { centroids: c.centroids, bytes: 0 } : { centroids: 0, bytes: c.codebookBytes };
  const bytes = layerBytes(n, 1 - c.kept / n, bits, c.codeBits, codebook.centroids, c.centroidBytes) + codebook.bytes + (channels === undefined ? 0 : 2 * channels);
  return { sparsity, bits, ...(channels === undefined ? {} : { channels }), pruneError, quantizeError: Math.max(0, total - pruneError), bytes };
}

/** The error of compressing `original` to `c`: its own measure, else Σ (w − ŵ)². */
export function changeError(original: Float32Array, c: CompressedTensor): number {
  return c.error ?? squaredDistance(original, c.values);
}

/** Σ (a − b)². */
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}
