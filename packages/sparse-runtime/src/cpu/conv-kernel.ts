/**
 * Direct sparse convolution from the compressed kernel: for each output pixel, each in-bounds
 * nonzero input of its receptive field multiplies the kept weights of its im2col row
 * (`(ky · kw + kx) · inC + ci`) into the output channels (depthwise: into channel
 * `ci · multiplier + m`). Dilation spaces the taps. No im2col buffer, no dense kernel.
 */
import type { ConvSpec } from './conv-spec.js';

/** Accumulates one sample's convolution into `y` (which holds the bias or zeros). */
export function sparseConvSample(spec: ConvSpec, x: Float32Array, xOff: number, y: Float32Array, yOff: number): void {
  const [H, W, C] = spec.input;
  const [OH, OW, F] = spec.output;
  const [KH, KW] = spec.kernelSize;
  const [SY, SX] = spec.strides;
  const [DY, DX] = spec.dilation ?? [1, 1];
  const { top, left } = spec.pads;
  const { rowPtr, colIdx, codes, codebook, cols } = spec.kernel;
  const M = spec.depthwise ? cols : 0;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const yo = yOff + (oy * OW + ox) * F;
      for (let ky = 0; ky < KH; ky++) {
        const iy = oy * SY + ky * DY - top;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < KW; kx++) {
          const ix = ox * SX + kx * DX - left;
          if (ix < 0 || ix >= W) continue;
          const xo = xOff + (iy * W + ix) * C;
          const r0 = (ky * KW + kx) * C;
          for (let ci = 0; ci < C; ci++) {
            const xv = x[xo + ci];
            if (xv === 0) continue;
            const end = rowPtr[r0 + ci + 1];
            const yc = yo + ci * M;
            for (let k = rowPtr[r0 + ci]; k < end; k++) y[yc + colIdx[k]] += xv * codebook[codes[k]];
          }
        }
      }
    }
  }
}
