/**
 * `dot` nodes (tfjs's `Dot` layer): per sample, output element `(i, j)` is the sum over the summed
 * axis of the first input's row `i` times the second's row `j` (core's `dotGeometry` says how each
 * input is walked). The products are summed in order in a float64 accumulator and rounded once, as
 * tfjs cpu's `matMul` sums up to 64 products; with `normalize`, each input is first divided by its
 * L2 norm along the summed axis, `sqrt(max(Σ x², 1e-7))`, each step rounded to float32 as tfjs's
 * `l2Normalize` holds its tensors.
 */
import { dotGeometry, DOT_NORM_EPSILON, type DotConfig, type DotOperand } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';

const EPSILON = Math.fround(DOT_NORM_EPSILON);

/** Writes `x` (one sample, walked as `op` with `depth` summed elements per row) divided by each row's L2 norm into `out`. */
function normalizeRows(x: Float32Array, op: DotOperand, depth: number, out: Float32Array): Float32Array {
  for (let i = 0; i < op.free; i++) {
    const base = i * op.freeStride;
    let squares = 0;
    for (let k = 0; k < depth; k++) squares += Math.fround(x[base + k * op.sumStride] ** 2);
    const norm = Math.fround(Math.sqrt(Math.max(Math.fround(squares), EPSILON)));
    for (let k = 0; k < depth; k++) out[base + k * op.sumStride] = x[base + k * op.sumStride] / norm;
  }
  return out;
}

/** The kernel of a `dot` step. */
export function dotKernel(step: PlanStep): CpuKernel {
  const { normalize } = step.config as DotConfig;
  const { first: a, second: b, depth } = dotGeometry(step.config as DotConfig, step.inputShapes, { where: `layer "${step.name}"`, code: 'INVALID_MODEL' });
  const [xSize, ySize] = step.inputShapes.map((s) => s.reduce((p, d) => p * d, 1));
  const n = step.outputSize;
  const [xScratch, yScratch] = normalize ? [new Float32Array(xSize), new Float32Array(ySize)] : [undefined, undefined];
  const output = outputBuffer();
  return ([x, y], batch) => {
    // Every element is written below.
    const out = output(batch * n);
    for (let s = 0; s < batch; s++) {
      let xs = x.subarray(s * xSize, (s + 1) * xSize);
      let ys = y.subarray(s * ySize, (s + 1) * ySize);
      if (xScratch && yScratch) [xs, ys] = [normalizeRows(xs, a, depth, xScratch), normalizeRows(ys, b, depth, yScratch)];
      for (let i = 0; i < a.free; i++) {
        for (let j = 0; j < b.free; j++) {
          const [xi, yj] = [i * a.freeStride, j * b.freeStride];
          let acc = 0;
          for (let k = 0; k < depth; k++) acc += xs[xi + k * a.sumStride] * ys[yj + k * b.sumStride];
          out[s * n + i * b.free + j] = acc;
        }
      }
    }
    return out;
  };
}
