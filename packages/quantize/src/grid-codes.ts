/**
 * Uniform-grid codes: each kept weight rounded to a whole multiple of its channel's step, the
 * step being the channel's largest magnitude over `2^(bits-1) − 1` (per-channel symmetric integer
 * quantization, as TFLite's int8). The codebook is the whole numbers the codes span, `kmin … kmax`,
 * with the steps as its per-channel scales, so that a `.dcm` GraphModel file stores it in 4 bytes
 * however many levels it has (an integer-range codebook, docs/format.md §9.6), where `2^bits`
 * learned k-means centroids cost 2 or 4 bytes each: at 8 bits 512 B, more than the codes of a
 * kernel of a few hundred weights. On the thousands of weights of a larger tensor the two cost
 * about the same at the same error (measured on the pretrained corpus: within 0.2% in code entropy).
 */
import { scaledValue } from '@dc/core';
import { storableChannelScales } from './channel-scales.js';
import type { ClusteredTensor } from './cluster-tensor.js';
import { keptPositions } from './cluster-tensor.js';
import { assertGridCodesOptions } from './options.js';

/** Options of {@link gridCodes}. */
export interface GridCodesOptions {
  /** Codes of `bits` bits (2 to 12): each weight a multiple −L … L of its channel's step, L = `2^(bits-1) − 1`. */
  readonly bits: number;
  /**
   * The number of channels: the weight at row-major position `p` is in channel `p mod channels`
   * (for a `.dcm` file, the product of the tensor's last extents: docs/format.md §9.3).
   */
  readonly channels: number;
}

/**
 * Codes the kept weights of `values` (those `mask` keeps, when given, and nonzero) on a uniform
 * grid of `2^bits − 1` levels per channel, symmetric about zero so that zero stays exact: each
 * weight takes the nearest multiple of its channel's step (ties away from zero), the largest
 * magnitude exactly ±L steps up to the step's float16 rounding (clamped to ±L). A weight below
 * half a step becomes 0, coded to the centroid 0 among the codebook's positions. Returns the values
 * as a `.dcm` reader decodes them (`float32(step × k)`, +0 for zero), the codebook (centroids the
 * whole numbers `kmin … kmax`, levels between them that no weight takes included; `scales` the
 * steps) and the squared error of the kept weights. Nothing is learned: zero iterations.
 * `INVALID_OPTION` for bits outside 2 … 12 or channels that do not divide the tensor. Does not
 * modify its inputs.
 */
export function gridCodes(values: Float32Array, mask: Uint8Array | undefined, options: GridCodesOptions): ClusteredTensor {
  assertGridCodesOptions(options, values.length);
  const { bits, channels } = options;
  const levels = 2 ** (bits - 1) - 1;
  const positions = keptPositions(values, mask);
  const steps = storableChannelScales(values, mask, channels, levels);
  const ks = new Int32Array(positions.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    const x = values[p] / steps[p % channels];
    const k = Math.min(levels, Math.round(Math.abs(x))) * Math.sign(x);
    ks[i] = k;
    lo = Math.min(lo, k);
    hi = Math.max(hi, k);
  }
  const count = positions.length > 0 ? hi - lo + 1 : 0;
  const centroids = Float32Array.from({ length: count }, (_, j) => lo + j);
  const codes = count <= 256 ? new Uint8Array(positions.length) : new Uint16Array(positions.length);
  const out = new Float32Array(values.length);
  let sse = 0;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    codes[i] = ks[i] - lo;
    out[p] = scaledValue(steps[p % channels], ks[i]) + 0; // + 0: a weight coded 0 is +0, as the file stores it
    sse += (values[p] - out[p]) ** 2;
  }
  return { codebook: { bits, centroids, positions, codes, scales: steps }, values: out, iterations: 0, converged: true, sse };
}
