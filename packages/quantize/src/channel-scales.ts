/**
 * Weight sharing with per-channel scales: each channel's kept weights are divided by its scale
 * (its largest magnitude, rounded to float16 so the file stores it in 2 bytes), one codebook is
 * learned on the scaled weights of the whole tensor, and each weight becomes
 * `Math.fround(scale × centroid)`, the value `.dcm` readers compute (docs/format.md §9.3).
 *
 * Why: a batch norm folded into a convolution multiplies each output channel's weights by its
 * own factor, so the channels of one kernel can differ in scale by orders of magnitude; one
 * codebook for the raw weights spends its levels on the largest channels and rounds the small
 * ones to a few values. Scaled, every channel uses the whole codebook (as per-channel
 * quantization in TFLite does), at the cost of one float16 per channel.
 */
import { roundToFloat16 } from '@dc/core';

/** The scale of each channel: its largest kept magnitude, in float16 when that is exact and nonzero, else float32; 1 for a channel with no kept weight. */
export function channelScales(values: Float32Array, mask: Uint8Array | undefined, channels: number): Float32Array {
  const max = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) if (!mask || mask[i] === 1) max[i % channels] = Math.max(max[i % channels], Math.abs(values[i]));
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const half = roundToFloat16(max[c]);
    scales[c] = max[c] === 0 ? 1 : half > 0 && Number.isFinite(half) ? half : max[c];
  }
  // f16 storage needs every scale exact: one float32-only scale and all are kept as float32 maxima.
  if (scales.some((s) => roundToFloat16(s) !== s)) for (let c = 0; c < channels; c++) scales[c] = max[c] === 0 ? 1 : max[c];
  return scales;
}

/** `values` divided by their channel's scale (position `p` in channel `p mod scales.length`), in float32. */
export function scaledValues(values: Float32Array, scales: Float32Array): Float32Array {
  const channels = scales.length;
  const scaled = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) scaled[i] = values[i] / scales[i % channels];
  return scaled;
}
