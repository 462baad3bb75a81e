/**
 * Direct sparse convolution from the compressed kernel: for each output pixel, each in-bounds
 * nonzero input of its receptive field multiplies the kept weights of its im2col row
 * (`(ky · kw + kx) · inC + ci`) into the output channels. No im2col buffer, no dense kernel.
 */
import type { PlannedConv2d } from '../model/plan.js';
import type { SparseRows } from '../sparse/sparse-rows.js';

/** Accumulates one sample's convolution into `y` (which holds the bias or zeros). */
export function sparseConvSample(step: PlannedConv2d, m: SparseRows, x: Float32Array, xOff: number, y: Float32Array, yOff: number): void {
  const [H, W, C] = step.input;
  const [OH, OW, F] = step.output;
  const [KH, KW] = step.kernelSize;
  const [SY, SX] = step.strides;
  const { top, left } = step.pads;
  const { rowPtr, colIdx, codes, codebook } = m;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const yo = yOff + (oy * OW + ox) * F;
      for (let ky = 0; ky < KH; ky++) {
        const iy = oy * SY + ky - top;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < KW; kx++) {
          const ix = ox * SX + kx - left;
          if (ix < 0 || ix >= W) continue;
          const xo = xOff + (iy * W + ix) * C;
          const r0 = (ky * KW + kx) * C;
          for (let ci = 0; ci < C; ci++) {
            const xv = x[xo + ci];
            if (xv === 0) continue;
            const end = rowPtr[r0 + ci + 1];
            for (let k = rowPtr[r0 + ci]; k < end; k++) y[yo + colIdx[k]] += xv * codebook[codes[k]];
          }
        }
      }
    }
  }
}
