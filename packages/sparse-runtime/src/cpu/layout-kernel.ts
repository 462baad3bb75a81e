/** Ops that move data without arithmetic: views (flatten, reshape, dropout), zero padding, cropping, permute, upsampling and resizing. */
import type { Padding2dConfig, PermuteConfig, ResizingConfig, UpSampling2dConfig } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import { nearestSources, resampleOf, type AxisSamples } from '../model/resample-tables.js';
import { gatherStrided } from '../model/strided-gather.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';

/** flatten, reshape, dropout: the input itself (row-major data is unchanged). */
export const viewKernel = (): CpuKernel => ([x]) => x;

/**
 * zeroPadding2d and cropping2d: each output row of pixels is copied from the input row it maps to
 * (`y − top` rows and `x − left` columns for padding, `+` for cropping); padded pixels are zeroed
 * first (the output array is kept from call to call, and a step after this one may have written
 * into it in place).
 */
export function padCropKernel(step: PlanStep): CpuKernel {
  const [H, W, C] = step.inputShapes[0];
  const [OH, OW] = step.outputShape;
  const [[top], [left]] = (step.config as Padding2dConfig).amounts;
  const sign = step.kind === 'zeroPadding2d' ? -1 : 1;
  const dy = sign * top;
  const dx = sign * left;
  // Output columns [x0, x1) read input columns [x0 + dx, x1 + dx).
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(OW, W - dx);
  const padding = step.kind === 'zeroPadding2d';
  const output = outputBuffer();
  return ([x], batch) => {
    const out = output(batch * OH * OW * C);
    if (padding) out.fill(0);
    for (let b = 0; b < batch; b++) {
      for (let oy = 0; oy < OH; oy++) {
        const iy = oy + dy;
        if (iy < 0 || iy >= H) continue;
        const src = ((b * H + iy) * W + x0 + dx) * C;
        out.set(x.subarray(src, src + (x1 - x0) * C), ((b * OH + oy) * OW + x0) * C);
      }
    }
    return out;
  };
}

/** permute: output axis `i` is input axis `dims[i] − 1`, an index walk over the output. */
export function permuteKernel(step: PlanStep): CpuKernel {
  const input = step.inputShapes[0];
  const dims = (step.config as PermuteConfig).dims.map((d) => d - 1);
  const inStrides = input.map((_d, i) => input.slice(i + 1).reduce((a, b) => a * b, 1));
  // Input stride of each output axis, and the output's extents.
  const strides = dims.map((d) => inStrides[d]);
  const extents = dims.map((d) => input[d]);
  const size = step.outputSize;
  const output = outputBuffer();
  return ([x], batch) => {
    // Every element is written below.
    const out = output(batch * size);
    for (let b = 0; b < batch; b++) gatherStrided(x, b * size, strides, extents, out, b * size);
    return out;
  };
}

/**
 * upSampling2d and resizing, through their tables (`resampleOf`): nearest copies the input element
 * each output element samples; bilinear interpolates.
 */
export function resampleKernel(step: PlanStep): CpuKernel {
  const input = step.inputShapes[0];
  const { interpolation, rows, cols } = resampleOf(step.config as UpSampling2dConfig | ResizingConfig, input);
  if (interpolation === 'bilinear') return bilinearKernel(input, rows, cols);
  const source = nearestSources(input, rows.lo, cols.lo);
  const inSize = input.reduce((a, b) => a * b, 1);
  const size = step.outputSize;
  const output = outputBuffer();
  return ([x], batch) => {
    // Every element is written below.
    const out = output(batch * size);
    for (let b = 0; b < batch; b++) {
      const [o0, i0] = [b * size, b * inSize];
      for (let o = 0; o < size; o++) out[o0 + o] = x[i0 + source[o]];
    }
    return out;
  };
}

/** Bilinear resampling of `[h, w, c]` with tfjs cpu's arithmetic (in float64, stored once): rows, then columns within a row. */
function bilinearKernel(input: readonly number[], rows: AxisSamples, cols: AxisSamples): CpuKernel {
  const [H, W, C] = input;
  const [OH, OW] = [rows.lo.length, cols.lo.length];
  const output = outputBuffer();
  return ([x], batch) => {
    // Every element is written below.
    const out = output(batch * OH * OW * C);
    let o = 0;
    for (let b = 0; b < batch; b++) {
      for (let oy = 0; oy < OH; oy++) {
        const [top, bottom, fy] = [(b * H + rows.lo[oy]) * W, (b * H + rows.hi[oy]) * W, rows.frac[oy]];
        for (let ox = 0; ox < OW; ox++) {
          const [left, right, fx] = [cols.lo[ox], cols.hi[ox], cols.frac[ox]];
          const [tl, tr, bl, br] = [(top + left) * C, (top + right) * C, (bottom + left) * C, (bottom + right) * C];
          for (let c = 0; c < C; c++) {
            const upper = x[tl + c] + (x[tr + c] - x[tl + c]) * fx;
            const lower = x[bl + c] + (x[br + c] - x[bl + c]) * fx;
            out[o++] = upper + (lower - upper) * fy;
          }
        }
      }
    }
    return out;
  };
}
