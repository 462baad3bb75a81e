/**
 * `upSampling2d` and `resizing` as tables built once per model: where each output row and column
 * reads the input (per axis), and for nearest sampling the input element of each output element.
 * The two kinds share every backend's kernels; only their tables differ.
 */
import { resizingAxis, type ResizingConfig, type UpSampling2dConfig } from '@dc/core';

/** The samples of one axis: output `o` is `x[lo[o]] + (x[hi[o]] − x[lo[o]]) · frac[o]` (nearest: `lo` = `hi`, `frac` 0). */
export interface AxisSamples {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  readonly frac: Float64Array;
}

/** How a resampling step reads `[h, w, c]`: its interpolation and the samples of its rows and columns (their lengths the output's extents). */
export interface Resample {
  readonly interpolation: 'nearest' | 'bilinear';
  readonly rows: AxisSamples;
  readonly cols: AxisSamples;
}

/** The tables of an `upSampling2d` or `resizing` node on an input `[h, w, c]`. */
export function resampleOf(config: UpSampling2dConfig | ResizingConfig, input: readonly number[]): Resample {
  const [H, W] = input;
  if (config.kind === 'resizing') {
    const { size, interpolation } = config;
    return { interpolation, rows: resizingAxis(H, size[0], interpolation), cols: resizingAxis(W, size[1], interpolation) };
  }
  const interpolation = config.interpolation ?? 'nearest';
  const axis = interpolation === 'bilinear' ? bilinearAxis : repeatAxis;
  return { interpolation, rows: axis(H, H * config.size[0]), cols: axis(W, W * config.size[1]) };
}

/**
 * For each element of the `[rows.length, cols.length, c]` output of a nearest resample of
 * `[h, w, c]`, the input element (per sample) it copies: `(rows[oy] · w + cols[ox]) · c + channel`.
 */
export function nearestSources(input: readonly number[], rows: Uint32Array, cols: Uint32Array): Uint32Array {
  const [W, C] = [input[1], input[2]];
  const source = new Uint32Array(rows.length * cols.length * C);
  let f = 0;
  for (const row of rows) {
    for (const col of cols) {
      const pixel = (row * W + col) * C;
      for (let c = 0; c < C; c++) source[f++] = pixel + c;
    }
  }
  return source;
}

/** Nearest upsampling of `inSize` by the integer factor `outSize / inSize`: output `o` repeats input `floor(o / factor)`. */
function repeatAxis(inSize: number, outSize: number): AxisSamples {
  const factor = outSize / inSize;
  const lo = Uint32Array.from({ length: outSize }, (_, o) => Math.floor(o / factor));
  return { lo, hi: lo, frac: new Float64Array(outSize) };
}

/**
 * Bilinear interpolation along one axis of `inSize` upsampled to `outSize`, as tfjs's
 * `resizeBilinear` without aligned corners or half-pixel centres (what Keras' `UpSampling2D`
 * computes): source `o · in / out`.
 */
function bilinearAxis(inSize: number, outSize: number): AxisSamples {
  const [lo, hi, frac] = [new Uint32Array(outSize), new Uint32Array(outSize), new Float64Array(outSize)];
  const ratio = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const at = ratio * o;
    lo[o] = Math.floor(at);
    hi[o] = Math.min(inSize - 1, Math.ceil(at));
    frac[o] = at - lo[o];
  }
  return { lo, hi, frac };
}
