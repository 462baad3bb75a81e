/**
 * `conv2dTranspose`: every nonzero kernel entry `(ky, kx, f, c)` scatters input channel `c` of each
 * input pixel `(y, x)` into output channel `f` at `(y · sy + ky − top, x · sx + kx − left)`. The
 * nonzeros are read once at prepare from the kernel's sparse rows and grouped by window position,
 * so the work is pixels × nonzeros: pruned weights cost nothing.
 */
import { transposeAxis, type Conv2dTransposeConfig } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import type { SparseRows } from '../sparse/sparse-rows.js';
import { applyActivation, fillBias } from './activation.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';
import type { CpuPrepareContext } from './prepare-context.js';

/** The nonzero entries of one window position `(ky, kx)`: output and input channels and weights. */
interface Tap {
  readonly ky: number;
  readonly kx: number;
  readonly f: Int32Array;
  readonly c: Int32Array;
  readonly w: Float32Array;
}

/** Groups the kernel's sparse rows (row `(ky · kw + kx) · F + f`, column `c`) by window position. */
function tapsOf(m: SparseRows, [kh, kw, F]: readonly number[]): Tap[] {
  const taps: Tap[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const first = (ky * kw + kx) * F;
      const n = m.rowPtr[first + F] - m.rowPtr[first];
      if (n === 0) continue;
      const tap = { ky, kx, f: new Int32Array(n), c: new Int32Array(n), w: new Float32Array(n) };
      for (let f = 0, i = 0; f < F; f++) {
        for (let k = m.rowPtr[first + f]; k < m.rowPtr[first + f + 1]; k++, i++) {
          tap.f[i] = f;
          tap.c[i] = m.colIdx[k];
          tap.w[i] = m.codebook[m.codes[k]];
        }
      }
      taps.push(tap);
    }
  }
  return taps;
}

export function convTransposeKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const { kernelSize, strides, padding } = step.config as Conv2dTransposeConfig;
  const [H, W, C] = step.inputShapes[0];
  const [OH, OW, F] = step.outputShape;
  const top = transposeAxis(H, kernelSize[0], strides[0], padding).before;
  const left = transposeAxis(W, kernelSize[1], strides[1], padding).before;
  const taps = tapsOf(ctx.rows.get(step.index)!, step.params.kernel!.shape);
  const output = outputBuffer();
  return ([x], batch) => {
    const out = output(batch * OH * OW * F);
    fillBias(out, batch * OH * OW, F, step.params.bias);
    for (let b = 0; b < batch; b++) {
      for (let iy = 0; iy < H; iy++) {
        for (let ix = 0; ix < W; ix++) {
          const from = ((b * H + iy) * W + ix) * C;
          for (const { ky, kx, f, c, w } of taps) {
            const oy = iy * strides[0] + ky - top;
            const ox = ix * strides[1] + kx - left;
            if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
            const to = ((b * OH + oy) * OW + ox) * F;
            for (let k = 0; k < w.length; k++) out[to + f[k]] += x[from + c[k]] * w[k];
          }
        }
      }
    }
    applyActivation(out, step.activation, step.outputShape);
    return out;
  };
}
