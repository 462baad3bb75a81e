/**
 * Rounding with error feedback (GPTQ: Frantar et al., "GPTQ: Accurate Post-Training Quantization
 * for Generative Pre-trained Transformers", ICLR 2023; after Optimal Brain Quantization, Frantar &
 * Alistarh 2022). Rounding each weight of a linear op to its nearest shared value minimises the
 * weights' squared error, but what matters is the op's output error over real inputs x:
 * Σ_o Δw_o · H · Δw_o with H = E[x xᵀ], the inputs' second moments. Taking the inputs in order,
 * each weight is rounded (or pruned) and its rounding error is fed back into the weights of the
 * inputs not yet rounded, in the proportions H says their inputs move together, so that they take
 * it back. No retraining: H comes from calibration inputs, measured once.
 *
 * Layout: the weight is `[inputs, outputs]` row-major (a matrix product's `[in, out]`, or a
 * convolution's `[kh, kw, in, out]` with `inputs = kh·kw·in`), position `p = i · outputs + o`.
 */
import { DcError, scaledValue, type Codebook } from '@dc/core';

/** An op's input second moments prepared for {@link roundWithErrorFeedback}. */
export interface ErrorFeedback {
  /** Inputs of the op (the weight's rows). */
  readonly inputs: number;
  /**
   * The upper Cholesky factor `U` of the damped moments' inverse, `(H + λI)⁻¹ = Uᵀ U`, row-major
   * `inputs × inputs`: row `j` spreads input `j`'s rounding error over the inputs after it. With
   * {@link ErrorFeedback.blockSize}, the factors of the diagonal blocks, one after another.
   */
  readonly factor: Float64Array;
  /**
   * Set where only the moments of consecutive blocks of this many inputs (the last one shorter)
   * were kept (block-diagonal H, see {@link prepareErrorFeedback}): each input's error is fed back
   * within its block. Absent: one block of every input.
   */
  readonly blockSize?: number;
}

/** The damping λ, as a fraction of the mean diagonal of H (GPTQ's default): keeps the factor well conditioned. */
export const DEFAULT_FEEDBACK_DAMPING = 0.01;

/** The inputs `[start, start + size)` of each diagonal block of `inputs` inputs in blocks of `blockSize`, with the offset of its `size²` entries in a concatenation of blocks. */
export function feedbackBlocks(inputs: number, blockSize = inputs): { start: number; size: number; offset: number }[] {
  const blocks: { start: number; size: number; offset: number }[] = [];
  for (let start = 0, offset = 0; start < inputs; start += blockSize) {
    const size = Math.min(blockSize, inputs - start);
    blocks.push({ start, size, offset });
    offset += size * size;
  }
  return blocks;
}

/**
 * Prepares `moments` (H, `inputs × inputs` row-major, symmetric, e.g. the mean of x xᵀ over
 * calibration inputs) for {@link roundWithErrorFeedback}: a dead input (H_jj = 0) gets 1 on the
 * diagonal, every input λ = `damping` × the mean diagonal; then `H + λI = R Rᵀ` with R upper
 * triangular (Cholesky from the last input) and `U = R⁻¹`, so `(H + λI)⁻¹ = Uᵀ U`. O(inputs³ / 2).
 * With `blockSize` below `inputs`, `moments` holds only H's diagonal blocks of that many inputs
 * (`feedbackBlocks`: row-major, one after another), the inputs of different blocks taken as
 * uncorrelated: memory inputs · blockSize and time inputs · blockSize² / 2, for ops too wide for
 * the whole of H.
 */
export function prepareErrorFeedback(moments: Float64Array, inputs: number, damping = DEFAULT_FEEDBACK_DAMPING, blockSize = inputs): ErrorFeedback {
  const d = inputs;
  const blocks = Number.isInteger(d) && d > 0 && Number.isInteger(blockSize) && blockSize > 0 ? feedbackBlocks(d, Math.min(blockSize, d)) : [];
  const entries = blocks.reduce((a, b) => a + b.size * b.size, 0);
  if (blocks.length === 0 || moments.length !== entries) throw new DcError('INVALID_OPTION', `error feedback needs ${blocks.length > 1 ? `the ${blocks.length} diagonal blocks (${entries} values) of ` : ''}${d} × ${d} input moments, got ${moments.length} values`, { hint: 'Pass the mean of x xᵀ over the op inputs, row-major.' });
  let mean = 0;
  for (const { size, offset } of blocks) for (let j = 0; j < size; j++) mean += moments[offset + j * size + j];
  mean /= d;
  const lambda = damping * (mean > 0 ? mean : 1);
  const factor = new Float64Array(entries);
  for (const { size, offset } of blocks) factor.set(inverseUpperFactor(moments.subarray(offset, offset + size * size), size, lambda), offset);
  return blocks.length > 1 ? { inputs: d, factor, blockSize } : { inputs: d, factor };
}

/** `U = R⁻¹` for the damped `a + λI = R Rᵀ` (R upper; a dead input's diagonal taken as 1), `d × d` row-major; see {@link prepareErrorFeedback}. */
function inverseUpperFactor(moments: Float64Array, d: number, lambda: number): Float64Array {
  const a = Float64Array.from(moments);
  for (let j = 0; j < d; j++) a[j * d + j] = (a[j * d + j] > 0 ? a[j * d + j] : 1) + lambda;
  // R, upper: a_ij = Σ_{k ≥ max(i, j)} r_ik r_jk, solved from the last column back.
  const r = new Float64Array(d * d);
  for (let j = d - 1; j >= 0; j--) {
    let s = a[j * d + j];
    for (let k = j + 1; k < d; k++) s -= r[j * d + k] ** 2;
    if (!(s > 0)) throw new DcError('DATA_MISMATCH', 'the input moments are not positive definite', { hint: 'Measure them as the mean of x xᵀ over real op inputs (a symmetric, positive semi-definite matrix).' });
    const rjj = Math.sqrt(s);
    r[j * d + j] = rjj;
    for (let i = 0; i < j; i++) {
      let t = a[i * d + j];
      for (let k = j + 1; k < d; k++) t -= r[i * d + k] * r[j * d + k];
      r[i * d + j] = t / rjj;
    }
  }
  // U = R⁻¹ (upper), row by row from the last: u_ij = −(Σ_{k=i+1..j} r_ik u_kj) / r_ii.
  const u = new Float64Array(d * d);
  const acc = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    acc.fill(0);
    for (let k = i + 1; k < d; k++) {
      const rik = r[i * d + k];
      if (rik === 0) continue;
      for (let j = k; j < d; j++) acc[j] += rik * u[k * d + j];
    }
    const rii = r[i * d + i];
    u[i * d + i] = 1 / rii;
    for (let j = i + 1; j < d; j++) u[i * d + j] = -acc[j] / rii;
  }
  return u;
}

/**
 * Rounds `values` (`[inputs, outputs]`, see the module comment) input by input: `round(p, v)` is
 * the value stored at position `p` for the current (error-fed) value `v` (0 for a pruned weight),
 * and the error is fed back to the inputs after it (in its block, with `blockSize`). Returns the rounded values and their output
 * error Σ_o Δw_o · (H + λI) · Δw_o (the sum of each step's error, exact for the damped moments).
 */
export function roundWithErrorFeedback(values: Float32Array, feedback: ErrorFeedback, round: (position: number, value: number) => number): { values: Float32Array; error: number } {
  const d = feedback.inputs;
  const outputs = values.length / d;
  if (!Number.isInteger(outputs)) throw new DcError('DATA_MISMATCH', `a weight of ${values.length} values has no ${d} input rows`, { hint: 'Pass the moments of the op that consumes this weight.' });
  const u = feedback.factor;
  // Each output's weights contiguous: the feedback walks one output's inputs.
  const w = new Float64Array(values.length);
  for (let i = 0; i < d; i++) for (let o = 0; o < outputs; o++) w[o * d + i] = values[i * outputs + o];
  const out = new Float32Array(values.length);
  let error = 0;
  for (const { start, size, offset } of feedbackBlocks(d, feedback.blockSize)) {
    const end = start + size;
    for (let j = start; j < end; j++) {
      // Row j of the block's factor, indexed by input: u[row + k] for k in [j, end).
      const row = offset + (j - start) * size - start;
      const ujj = u[row + j];
      for (let o = 0; o < outputs; o++) {
        const at = o * d;
        const v = w[at + j];
        const q = round(j * outputs + o, v);
        out[j * outputs + o] = q;
        const e = (v - q) / ujj;
        if (e === 0) continue;
        error += e * e;
        for (let k = j + 1; k < end; k++) w[at + k] -= e * u[row + k];
      }
    }
  }
  return { values: out, error };
}

/** The index of the centroid nearest `x` in sorted `centroids` (the lower one on a tie). */
function nearest(centroids: Float32Array, x: number): number {
  let lo = 0;
  let hi = centroids.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (centroids[mid + 1] <= x) lo = mid + 1;
    else hi = mid;
  }
  // centroids[lo] ≤ x < centroids[lo + 1], or x beyond an end.
  return lo + 1 < centroids.length && centroids[lo + 1] - x < x - centroids[lo] ? lo + 1 : lo;
}

/**
 * `codebook`'s weights coded again with error feedback: the same centroids, scales and positions
 * (the weights it does not code stay exactly zero), each position's code the centroid nearest its
 * error-fed value (divided by its channel's scale, when scaled). `original` is the weight before
 * rounding (pruned weights included: their loss is fed back too). Returns the new codebook, the
 * values it decodes to, and their output error (see {@link roundWithErrorFeedback}).
 */
export function codeWithErrorFeedback(original: Float32Array, codebook: Codebook, feedback: ErrorFeedback): { codebook: Codebook; values: Float32Array; error: number } {
  const { centroids, positions, scales } = codebook;
  const index = new Int32Array(original.length).fill(-1);
  positions.forEach((p, i) => (index[p] = i));
  const codes = codebook.codes.slice();
  const fed = roundWithErrorFeedback(original, feedback, (p, v) => {
    const i = index[p];
    if (i < 0) return 0;
    const scale = scales ? scales[p % scales.length] : 1;
    const c = nearest(centroids, scales ? v / scale : v);
    codes[i] = c;
    return scales ? scaledValue(scale, centroids[c]) : centroids[c];
  });
  return { codebook: { ...codebook, codes }, values: fed.values, error: fed.error };
}
