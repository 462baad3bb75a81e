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
import { roundToFloat16, scaledValue, type RandomSource } from '@dc/core';
import type { ClusteredTensor, ClusterTensorOptions } from './cluster-tensor.js';

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

/** {@link clusterTensor} with `options.channels` set and checked (see the module comment); `cluster` clusters the scaled weights. */
export function clusterScaled(
  values: Float32Array,
  mask: Uint8Array | undefined,
  options: ClusterTensorOptions,
  random: RandomSource,
  cluster: (values: Float32Array, mask: Uint8Array | undefined, options: ClusterTensorOptions, random: RandomSource) => ClusteredTensor,
): ClusteredTensor {
  const channels = options.channels!; // checked by clusterTensor: a whole divisor of values.length
  const scales = channelScales(values, mask, channels);
  const scaled = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) scaled[i] = values[i] / scales[i % channels];
  const { channels: _, ...plain } = options;
  const inner = cluster(scaled, mask, plain, random);
  const { positions, codes, centroids } = inner.codebook;
  const out = new Float32Array(values.length);
  let sse = 0;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    out[p] = scaledValue(scales[p % channels], centroids[codes[i]]);
    sse += (values[p] - out[p]) ** 2;
  }
  return { ...inner, codebook: { ...inner.codebook, scales }, values: out, sse };
}
