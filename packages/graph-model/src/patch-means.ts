/**
 * The mean input patch of a convolution: for each kernel tap (kh, kw) and input channel c, the
 * mean over samples and output positions of the input value that tap reads, zero padding
 * included. A filter change ΔW then moves the mean of output channel o by exactly
 * Σ ΔW[kh, kw, c, o] · M[kh, kw, c] (a depthwise filter: Σ ΔW[kh, kw, c, m] · M[kh, kw, c]).
 */
import type { ConvGeometry } from './bias-links.js';

/** Output extent and leading zero padding of one spatial axis (TensorFlow's rules); `leading` 0: height, 2: width. */
export function convAxis(size: number, kernel: number, stride: number, dilation: number, padding: ConvGeometry['padding'], leading: 0 | 2): { out: number; before: number } {
  const span = (kernel - 1) * dilation + 1;
  if (padding === 'SAME') {
    const out = Math.ceil(size / stride);
    return { out, before: Math.floor(Math.max((out - 1) * stride + span - size, 0) / 2) };
  }
  const before = padding === 'VALID' ? 0 : padding[leading];
  const after = padding === 'VALID' ? 0 : padding[leading + 1];
  return { out: Math.max(0, Math.floor((size + before + after - span) / stride) + 1), before };
}

/**
 * `M[kh, kw, c]` (row-major, `kh · KW · C + kw · C + c`) from `sums[h, w, c]`, the input summed
 * over `count` samples of shape `[height, width, channels]`.
 */
export function patchMeans(sums: Float64Array, height: number, width: number, channels: number, count: number, g: ConvGeometry): Float64Array {
  const [kh, kw] = g.kernel;
  const rows = convAxis(height, kh, g.strides[0], g.dilations[0], g.padding, 0);
  const cols = convAxis(width, kw, g.strides[1], g.dilations[1], g.padding, 2);
  const out = new Float64Array(kh * kw * channels);
  const positions = rows.out * cols.out * count;
  if (positions === 0) return out;
  const rowSum = new Float64Array(width * channels);
  for (let i = 0; i < kh; i++) {
    // Σ over the rows tap i reads, for every column and channel.
    rowSum.fill(0);
    for (let o = 0; o < rows.out; o++) {
      const r = o * g.strides[0] + i * g.dilations[0] - rows.before;
      if (r < 0 || r >= height) continue;
      for (let k = 0; k < width * channels; k++) rowSum[k] += sums[r * width * channels + k];
    }
    for (let j = 0; j < kw; j++) {
      const at = (i * kw + j) * channels;
      for (let o = 0; o < cols.out; o++) {
        const col = o * g.strides[1] + j * g.dilations[1] - cols.before;
        if (col < 0 || col >= width) continue;
        for (let c = 0; c < channels; c++) out[at + c] += rowSum[col * channels + c];
      }
      for (let c = 0; c < channels; c++) out[at + c] /= positions;
    }
  }
  return out;
}
