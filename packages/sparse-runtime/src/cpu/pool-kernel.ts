/**
 * Pooling, NHWC: windowed max and average (average divides by the in-bounds elements of each
 * window, as tfjs does with SAME padding) in WASM SIMD or TypeScript, and global max and average
 * over height and width.
 */
import type { PlanStep, Window } from '../model/plan.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';
import type { CpuPrepareContext } from './prepare-context.js';
import { createWasmPool } from './wasm/wasm-pool.js';

/**
 * Pools `batch` samples of `x` into `out` (every element written). For each output pixel, the window's pixels are
 * visited in order and the channel loop is innermost, so every read is contiguous.
 */
export function pool(w: Window, isMax: boolean, x: Float32Array, batch: number, out: Float32Array): Float32Array {
  const [H, W, C] = w.input;
  const [OH, OW] = w.output;
  const [PH, PW] = w.kernelSize;
  const [SY, SX] = w.strides;
  const { top, left } = w.pads;
  for (let b = 0; b < batch; b++) {
    const xb = b * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(oy * SY - top, 0);
      const y1 = Math.min(oy * SY - top + PH, H);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = Math.max(ox * SX - left, 0);
        const x1 = Math.min(ox * SX - left + PW, W);
        const o = ((b * OH + oy) * OW + ox) * C;
        const first = xb + (y0 * W + x0) * C;
        for (let c = 0; c < C; c++) out[o + c] = x[first + c];
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const i = xb + (iy * W + ix) * C;
            if (isMax) {
              for (let c = 0; c < C; c++) if (x[i + c] > out[o + c]) out[o + c] = x[i + c];
            } else {
              for (let c = 0; c < C; c++) out[o + c] += x[i + c];
            }
          }
        }
        if (!isMax) {
          const inv = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < C; c++) out[o + c] /= inv;
        }
      }
    }
  }
  return out;
}

/**
 * A maxPool2d or avgPool2d step: in WASM SIMD in the convolutions' shared memory
 * (`wasm/wasm-pool.ts`), unless WebAssembly SIMD is missing or `batchKernel` asks for TypeScript.
 */
export function poolKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const isMax = step.kind === 'maxPool2d';
  const w = step.window!;
  const typescript = ctx.options.batchKernel === 'per-sample' || ctx.options.batchKernel === 'tiled';
  const wasm = typescript ? null : createWasmPool(w, isMax, ctx.arena);
  if (wasm) return ([x], batch) => wasm(x, batch);
  const [OH, OW] = w.output;
  const output = outputBuffer();
  return ([x], batch) => pool(w, isMax, x, batch, output(batch * OH * OW * w.input[2]));
}

/**
 * A globalAvgPool2d or globalMaxPool2d step: `[h, w, c]` → `[c]` (the mean summed in float64).
 * Each channel's positions are summed in order in a local (a Float64Array of running sums, read
 * and written per element, took 5 ms of a MobileNet-style batch of 1,000).
 */
export function globalPoolKernel(step: PlanStep): CpuKernel {
  const [H, W, C] = step.inputShapes[0];
  const P = H * W;
  const isMax = step.kind === 'globalMaxPool2d';
  const output = outputBuffer();
  return ([x], batch) => {
    // Every element is written below.
    const out = output(batch * C);
    for (let b = 0; b < batch; b++) {
      const xb = b * P * C;
      for (let c = 0; c < C; c++) {
        let acc = isMax ? x[xb + c] : 0;
        if (isMax) for (let i = xb + C + c, end = xb + P * C; i < end; i += C) acc = Math.max(acc, x[i]);
        else for (let i = xb + c, end = xb + P * C; i < end; i += C) acc += x[i];
        out[b * C + c] = isMax ? acc : acc / P;
      }
    }
    return out;
  };
}
