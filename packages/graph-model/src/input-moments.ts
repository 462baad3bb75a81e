/**
 * What error-feedback rounding (`@dc/quantize`'s `roundWithErrorFeedback`, GPTQ) needs to round a
 * weight for its op's output rather than for itself: the second moments H = E[x xᵀ] of the op's
 * inputs, x being the patch a convolution reads at one output position (zero padding included,
 * ordered as the filter's rows: kh, kw, channel) or the row a matrix product multiplies. Measured
 * once on calibration inputs with the original model, like bias correction's means.
 *
 * Moments of few rows (a classifier's last matrix product sees one row per image) leave
 * directions no calibration input took, into which the feedback would push the rounding error, to
 * come out on other inputs: the damping grows by inputs (of a block) / rows, so that such an op is
 * rounded nearly as plainly as without feedback. Depthwise convolutions are left out (each channel has its
 * own few taps: little to feed back). H of an op with more than `maxInputs` inputs would cost
 * inputs² memory and inputs³ time: such an op keeps only H's diagonal blocks of consecutive inputs
 * ({@link feedbackBlockSize}: no more memory than H of `maxInputs` inputs), and each rounding error
 * is fed back within its block.
 */
import type * as tf from '@tensorflow/tfjs';
import { isDcError } from '@dc/core';
import { importTfjsPackage } from '@dc/core/tfjs';
import { DEFAULT_FEEDBACK_DAMPING, feedbackBlocks, prepareErrorFeedback, type ErrorFeedback } from '@dc/quantize';
import type { BiasLink, ConvGeometry } from './bias-links.js';

/** What error feedback reads of a link: its weight, its op's data input and kind, a convolution's geometry (a bias is not needed). */
export type OpLink = Pick<BiasLink, 'weight' | 'input' | 'op' | 'geometry'>;
import { executeGraph } from './execute-graph.js';
import { convAxis } from './patch-means.js';

/** Options of {@link measureErrorFeedback}. */
export interface ErrorFeedbackOptions {
  /** Ops with more inputs (filter rows) keep only H's diagonal blocks ({@link feedbackBlockSize}); default {@link DEFAULT_FEEDBACK_MAX_INPUTS}. */
  readonly maxInputs?: number;
  /** Input rows (output positions) taken per calibration batch, evenly spaced; default {@link DEFAULT_FEEDBACK_ROWS}. */
  readonly maxRows?: number;
  /** The damping's base, a fraction of the moments' mean diagonal (inputs / rows is added); default `@dc/quantize`'s `DEFAULT_FEEDBACK_DAMPING`. */
  readonly damping?: number;
  /**
   * Round for the op's output less its mean: the inputs' covariance instead of their second
   * moments. What bias correction leaves (it takes back ΔW · E[x] itself); default false.
   */
  readonly centered?: boolean;
  /** The tfjs the model runs on (default: `@tensorflow/tfjs`). */
  readonly tf?: typeof tf;
}

/** See {@link ErrorFeedbackOptions.maxInputs}: a 3 × 3 convolution of 227 channels at most takes the whole of H. */
export const DEFAULT_FEEDBACK_MAX_INPUTS = 2048;

/** See {@link ErrorFeedbackOptions.maxRows}. */
export const DEFAULT_FEEDBACK_ROWS = 2048;

/**
 * The inputs of each diagonal block of H kept for an op of `inputs` inputs: all of them up to
 * `maxInputs`; beyond, blocks of equal size (the last one up to a block shorter) holding no more
 * entries in all than H of `maxInputs` inputs does (a 3 × 3 convolution of 512 channels, 4,608
 * inputs: 6 blocks of 768), so that its memory, and the time of rounding each output's weights,
 * stay within those of an op of `maxInputs` inputs.
 */
export function feedbackBlockSize(inputs: number, maxInputs = DEFAULT_FEEDBACK_MAX_INPUTS): number {
  if (inputs <= maxInputs) return inputs;
  const blocks = Math.ceil(inputs / Math.max(1, Math.floor((maxInputs * maxInputs) / inputs)));
  return Math.ceil(inputs / blocks);
}

/** The input rows of one op for one batch, `[rows, inputs]` row-major, evenly spaced over its output positions. */
export function inputRows(values: Float32Array, shape: readonly number[], link: OpLink, maxRows: number): { rows: Float32Array; count: number; inputs: number } {
  if (link.op === 'matmul') {
    const inputs = shape[shape.length - 1];
    const total = values.length / inputs;
    const step = Math.ceil(total / maxRows);
    const count = Math.ceil(total / step);
    const rows = new Float32Array(count * inputs);
    for (let r = 0; r < count; r++) rows.set(values.subarray(r * step * inputs, (r * step + 1) * inputs), r * inputs);
    return { rows, count, inputs };
  }
  const g = link.geometry as ConvGeometry;
  const [samples, height, width, channels] = shape;
  const [kh, kw] = g.kernel;
  const ys = convAxis(height, kh, g.strides[0], g.dilations[0], g.padding, 0);
  const xs = convAxis(width, kw, g.strides[1], g.dilations[1], g.padding, 2);
  const inputs = kh * kw * channels;
  const total = samples * ys.out * xs.out;
  const step = Math.max(1, Math.ceil(total / maxRows));
  const count = Math.ceil(total / step);
  const rows = new Float32Array(count * inputs);
  for (let r = 0; r < count; r++) {
    const q = r * step;
    const b = Math.floor(q / (ys.out * xs.out));
    const oy = Math.floor(q / xs.out) % ys.out;
    const ox = q % xs.out;
    for (let i = 0; i < kh; i++) {
      const y = oy * g.strides[0] + i * g.dilations[0] - ys.before;
      if (y < 0 || y >= height) continue;
      for (let j = 0; j < kw; j++) {
        const x = ox * g.strides[1] + j * g.dilations[1] - xs.before;
        if (x < 0 || x >= width) continue;
        const from = ((b * height + y) * width + x) * channels;
        rows.set(values.subarray(from, from + channels), r * inputs + (i * kw + j) * channels);
      }
    }
  }
  return { rows, count, inputs };
}

/** Inputs (filter rows) of a linked weight of `shape`: a matrix product's rows, a convolution's kh · kw · in. */
export const feedbackInputs = (link: OpLink, shape: readonly number[]): number => (link.op === 'matmul' ? shape[0] : shape[0] * shape[1] * shape[2]);

/**
 * Per weight: the count, mean and Σ (x − mean)(x − mean)ᵀ of its op's input rows so far, each
 * batch's centred on its own mean and merged (Chan et al.): the covariance of inputs with large
 * means and small spread comes out without the cancellation of E[x xᵀ] − E[x] E[x]ᵀ. The scatter
 * holds the diagonal blocks of `blockSize` inputs only (`@dc/quantize`'s `feedbackBlocks`, one
 * after another; one block of every input where `blockSize` is the inputs).
 */
export type InputMomentSums = Map<string, { rows: number; mean: Float64Array; scatter: Float64Array; blockSize: number }>;

/**
 * Adds to `sums` the input rows of `link`'s op in one batch, `x` (its data input; see
 * {@link inputRows}) for a weight of `inputs` inputs, H kept in the diagonal blocks of
 * {@link feedbackBlockSize}; an input of another dtype or shape than the op reads is left out.
 */
export async function addInputMoments(tfjs: typeof tf, sums: InputMomentSums, link: OpLink, inputs: number, x: tf.Tensor, maxRows = DEFAULT_FEEDBACK_ROWS, maxInputs = DEFAULT_FEEDBACK_MAX_INPUTS): Promise<void> {
  const expected = link.op === 'matmul' ? x.shape.length === 2 && x.shape[1] === inputs : x.shape.length === 4 && x.shape[3] * link.geometry!.kernel[0] * link.geometry!.kernel[1] === inputs;
  if (x.dtype !== 'float32' || !expected) return;
  const { rows, count } = inputRows((await x.data()) as Float32Array, x.shape, link, maxRows);
  const mean = new Float64Array(inputs);
  for (let k = 0; k < rows.length; k++) mean[k % inputs] += rows[k] / count;
  for (let k = 0; k < rows.length; k++) rows[k] -= mean[k % inputs];
  const blockSize = feedbackBlockSize(inputs, maxInputs);
  const blocks = feedbackBlocks(inputs, blockSize);
  const scatter = new Float64Array(blocks.reduce((a, b) => a + b.size * b.size, 0));
  const m = tfjs.tensor2d(rows, [count, inputs]);
  try {
    for (const b of blocks) {
      const product = tfjs.tidy(() => {
        const part = blocks.length === 1 ? m : m.slice([0, b.start], [count, b.size]);
        return tfjs.matMul(part, part, true, false);
      });
      scatter.set(await product.data(), b.offset);
      product.dispose();
    }
  } finally {
    m.dispose();
  }
  const sum = sums.get(link.weight);
  if (!sum) {
    sums.set(link.weight, { rows: count, mean, scatter, blockSize });
    return;
  }
  const total = sum.rows + count;
  const delta = mean.map((v, i) => v - sum.mean[i]);
  const w = (sum.rows * count) / total;
  for (const { start, size, offset } of blocks) {
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) sum.scatter[offset + i * size + j] += scatter[offset + i * size + j] + w * delta[start + i] * delta[start + j];
  }
  for (let i = 0; i < inputs; i++) sum.mean[i] += (delta[i] * count) / total;
  sum.rows = total;
}

/**
 * The error feedback of each weight of `sums` (see {@link measureErrorFeedback}'s options:
 * `damping`, `centered`); a weight whose moments are not positive definite even damped is left out
 * (rounded plainly).
 */
export function errorFeedbackOf(sums: InputMomentSums, options: Pick<ErrorFeedbackOptions, 'damping' | 'centered'> = {}): Map<string, ErrorFeedback> {
  const out = new Map<string, ErrorFeedback>();
  for (const [weight, { rows, mean, scatter, blockSize }] of sums) {
    const inputs = mean.length;
    const moments = new Float64Array(scatter.length);
    for (const { start, size, offset } of feedbackBlocks(inputs, blockSize)) {
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) moments[offset + i * size + j] = scatter[offset + i * size + j] / rows + (options.centered ? 0 : mean[start + i] * mean[start + j]);
    }
    try {
      // The damping grows with the directions of a block that its rows leave unmeasured.
      out.set(weight, prepareErrorFeedback(moments, inputs, (options.damping ?? DEFAULT_FEEDBACK_DAMPING) + blockSize / rows, blockSize));
    } catch (e) {
      // Moments no float64 Cholesky accepts even damped: that weight is rounded plainly.
      if (!isDcError(e) || e.code !== 'DATA_MISMATCH') throw e;
    }
  }
  return out;
}

/**
 * Whether `link`'s weight (of `shape`, where known) is rounded with error feedback: any but a
 * depthwise convolution's (each channel has its own few taps; see the module comment).
 */
export const takesErrorFeedback = (link: OpLink, shape: readonly number[] | undefined): boolean => link.op !== 'depthwise' && shape !== undefined;

/**
 * The error feedback of each link's weight (by weight name): its op's input moments (see the
 * module comment) over `batches` (each one tensor per model input) with `model` as loaded, one
 * run per batch to every input at once. `shapes` gives each weight's shape; an op of more than
 * `maxInputs` inputs keeps H's diagonal blocks ({@link feedbackBlockSize}); links whose op is
 * depthwise, or whose input has an unexpected shape, are left out, and so is a weight whose
 * moments are not positive definite even damped (rounded plainly).
 */
export async function measureErrorFeedback(model: tf.GraphModel, links: readonly BiasLink[], shapes: ReadonlyMap<string, readonly number[]>, batches: readonly (readonly tf.Tensor[])[], options: ErrorFeedbackOptions = {}): Promise<Map<string, ErrorFeedback>> {
  const tfjs = options.tf ?? (await importTfjsPackage('@tensorflow/tfjs'));
  const fed = links.filter((l) => takesErrorFeedback(l, shapes.get(l.weight)));
  const names = [...new Set(fed.map((l) => l.input))];
  const sums: InputMomentSums = new Map();
  for (const batch of batches) {
    if (names.length === 0) break;
    const given = new Set<tf.Tensor>(batch);
    const outs = await executeGraph(model, batch.length === 1 ? batch[0] : [...batch], names);
    try {
      for (const link of fed) await addInputMoments(tfjs, sums, link, feedbackInputs(link, shapes.get(link.weight)!), outs[names.indexOf(link.input)], options.maxRows, options.maxInputs);
    } finally {
      for (const x of outs) if (!given.has(x)) x.dispose();
    }
  }
  return errorFeedbackOf(sums, options);
}
