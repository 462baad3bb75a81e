/**
 * Merges: element-wise add, subtract, multiply, average, maximum, minimum (with the activation
 * fused into the step, if any), and concatenation on any axis.
 */
import { sampleAxis, type MergeConfig } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import { applyActivation, clampsInWasm, reluBound } from './activation.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';
import { addInWasm } from './wasm/wasm-clamp.js';

type Pairwise = (a: number, b: number) => number;

const PAIRWISE: Readonly<Record<MergeConfig['kind'], Pairwise>> = {
  add: (a, b) => a + b,
  average: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
};

/**
 * Two inputs, one loop per kind with the operation written out (the general fold below calls a
 * function per element and was most of a residual network's run time). Element i of both inputs
 * is read before out[i] is written, so `out` may be either input; storing into the Float32Array
 * rounds to float32 as the fold does.
 */
type BinaryLoop = (a: Float32Array, b: Float32Array, out: Float32Array, n: number) => void;
const BINARY: Readonly<Record<MergeConfig['kind'], BinaryLoop>> = {
  add: (a, b, out, n) => {
    for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  },
  average: (a, b, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.fround(a[i] + b[i]) * 0.5;
  },
  subtract: (a, b, out, n) => {
    for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  },
  multiply: (a, b, out, n) => {
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  },
  maximum: (a, b, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.max(a[i], b[i]);
  },
  minimum: (a, b, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.min(a[i], b[i]);
  },
};

/**
 * An element-wise merge, folding the inputs left to right as tfjs does, each partial result
 * rounded to float32 (the output array holds it); `average` then multiplies by `1 / n`. An
 * activation fused into the step applies to the result. A two-input add over a buffer that the
 * separate activation pass would clamp in WASM runs in WASM SIMD, clamping a relu-family
 * activation in the same loop (a residual block's Add → ReLU; the same bits, see clamp.wat): the
 * ResNet-style example ran 1.08–1.12× faster at batches 1, 32 and 1,000 than with a JavaScript
 * add and a separate clamp step.
 */
export function mergeKernel(step: PlanStep): CpuKernel {
  const kind = step.kind as MergeConfig['kind'];
  const f = PAIRWISE[kind];
  const binary = BINARY[kind];
  const scale = kind === 'average' ? Math.fround(1 / step.inputs.length) : 1;
  const hi = reluBound(step.activation);
  const output = outputBuffer();
  return (inputs, batch, target) => {
    const n = batch * step.outputSize;
    // Every element is written below.
    const out = target ?? output(n);
    if (inputs.length === 2) {
      if (kind === 'add' && clampsInWasm(out.length) && addInWasm(inputs[0], inputs[1], out, n, hi)) {
        if (hi === null) applyActivation(out, step.activation, step.outputShape);
        return out;
      }
      binary(inputs[0], inputs[1], out, n);
      applyActivation(out, step.activation, step.outputShape);
      return out;
    }
    const [first, ...rest] = inputs;
    // `out` may be any input (in place): element i of every input is read before out[i] is written.
    for (let i = 0; i < n; i++) {
      let acc = first[i];
      for (const x of rest) acc = Math.fround(f(acc, x[i]));
      out[i] = scale === 1 ? acc : acc * scale;
    }
    applyActivation(out, step.activation, step.outputShape);
    return out;
  };
}

/** Concatenation along the step's axis: per outer index, each input's block is copied in turn. */
export function concatenateKernel(step: PlanStep): CpuKernel {
  const shape = step.outputShape;
  const axis = sampleAxis((step.config as { axis: number }).axis, shape.length, { where: step.name, code: 'INVALID_MODEL' });
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const blocks = step.inputShapes.map((s) => s[axis] * inner);
  const width = shape[axis] * inner;
  const output = outputBuffer();
  return (inputs, batch) => {
    // Every element is written below (the blocks tile each output row).
    const out = output(batch * step.outputSize);
    for (let o = 0; o < batch * outer; o++) {
      let at = o * width;
      inputs.forEach((x, j) => {
        out.set(x.subarray(o * blocks[j], (o + 1) * blocks[j]), at);
        at += blocks[j];
      });
    }
    return out;
  };
}
