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
  return storableChannelScales(values, mask, channels, 1);
}

/**
 * Each channel's largest kept magnitude over `divisor` (1 for {@link channelScales}, a grid's
 * levels for `gridCodes`' steps), 1 for a channel with nothing kept: as float16 values where every
 * one rounds to a nonzero finite float16 (the file then stores each in 2 bytes), else as float32
 * (at least float32's smallest positive). One float32-only scale and all stay float32.
 */
export function storableChannelScales(values: Float32Array, mask: Uint8Array | undefined, channels: number, divisor: number): Float32Array {
  const max = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) if (!mask || mask[i] === 1) max[i % channels] = Math.max(max[i % channels], Math.abs(values[i]));
  const scales = Float32Array.from(max, (m) => (m === 0 ? 1 : m / divisor));
  const half = scales.map(roundToFloat16);
  if (half.every((h) => h > 0 && Number.isFinite(h))) return half;
  return scales.map((s) => (s > 0 ? s : Number.MIN_VALUE));
}

/** `values` divided by their channel's scale (position `p` in channel `p mod scales.length`), in float32. */
export function scaledValues(values: Float32Array, scales: Float32Array): Float32Array {
  const channels = scales.length;
  const scaled = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) scaled[i] = values[i] / scales[i % channels];
  return scaled;
}
