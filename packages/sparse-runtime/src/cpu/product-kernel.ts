/**
 * Dense layers (and 1×1 convolutions where the WASM convolution is missing or `batchKernel` asks
 * for TypeScript): `y = act(x · W + bias)` over rows of `x` (samples, or pixels of a 1×1
 * convolution), from the kernel's sparse rows and codebook. A dense batch runs the WASM direct
 * convolution of a 1×1 image; one sample the WASM zero-skipping loop; the TypeScript products
 * (tiles of 16 rows, or row by row skipping zeros) run where WASM is missing or `batchKernel`
 * asks for them.
 */
import type { PlanStep } from '../model/plan.js';
import { applyActivation, clampRelu, fillBias, reluBound } from './activation.js';
import { spmmTiled, spmvSkipZeros, type TileScratch } from './dense-kernel.js';
import type { CpuKernel } from './graph-executor.js';
import type { CpuPrepareContext } from './prepare-context.js';
import { outputBuffer } from './output-buffer.js';
import { createWasmConv, type ConvKernel } from './wasm/wasm-conv.js';

/**
 * `rows` rows of `x` times the step's kernel plus bias, relu clamped at `clamp` fused unless
 * `clamp` is null (`reluBound`; other activations are the caller's).
 */
export type Product = (x: Float32Array, rows: number, clamp: number | null) => Float32Array;

/** The product of a dense or 1×1 conv step. */
export function productOf(step: PlanStep, ctx: CpuPrepareContext): Product {
  const m = ctx.rows.get(step.index)!;
  const bias = step.params.bias;
  const scratch: TileScratch = { xT: new Float32Array(0), yT: new Float32Array(0) };
  const index = ctx.wasmIndex.get(step.index);
  const { batchKernel: k, wasmMinBatch } = ctx.options;
  const output = outputBuffer();
  return (x, rows, clamp) => {
    const big = k === 'wasm' || k === 'tiled' || (k === 'auto' && rows >= wasmMinBatch);
    if (rows === 1 && big && ctx.wasm && index !== undefined && k !== 'tiled') return ctx.wasm.runOne(index, x, clamp);
    const y = output(rows * m.cols);
    fillBias(y, rows, m.cols, bias);
    if (big) spmmTiled(m, x, y, rows, scratch);
    else for (let r = 0; r < rows; r++) spmvSkipZeros(m, x, r * m.rows, y, r * m.cols);
    if (clamp !== null) clampRelu(y, clamp);
    return y;
  };
}

/**
 * A dense step. Batches of two samples or more that `batchKernel` sends to WASM run the WASM
 * direct convolution of a 1×1 image with the inputs as channels: its accumulators stay in
 * registers per output (1.1–1.3× the product's tiles at batch 32 and 1,000 on the LeNet-300-100
 * files, outputs identical); one sample runs the product, which skips zero inputs. The
 * convolution lays its weights out on the first batch that needs it, so a model that only ever
 * sees one sample at a time keeps one copy of them.
 */
export function denseKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const product = productOf(step, ctx);
  const clamp = reluBound(step.activation);
  const { batchKernel: k, wasmMinBatch } = ctx.options;
  const m = ctx.rows.get(step.index)!;
  const none = { top: 0, bottom: 0, left: 0, right: 0 };
  const wantsConv = k === 'auto' || k === 'wasm';
  let conv: ConvKernel | null | undefined;
  const convOf = () => (conv === undefined ? (conv = createWasmConv({ input: [1, 1, m.rows], output: [1, 1, m.cols], kernelSize: [1, 1], strides: [1, 1], pads: none, kernel: m, bias: step.params.bias ?? null, clamp })) : conv);
  return ([x], batch) => {
    const batched = wantsConv && batch > 1 && (k === 'wasm' || batch >= wasmMinBatch) ? convOf() : null;
    const y = batched ? batched.run(x, batch) : product(x, batch, clamp);
    if (clamp === null) applyActivation(y, step.activation, step.outputShape);
    return y;
  };
}

/** A 1×1 convolution: the product over output pixels (strided pixels gathered first). */
export function pointwiseKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const product = productOf(step, ctx);
  const clamp = reluBound(step.activation);
  const { input, output, strides } = step.window!;
  const [H, W, C] = input;
  const [OH, OW] = output;
  const strided = strides[0] > 1 || strides[1] > 1;
  const gathered = outputBuffer();
  return ([x], batch) => {
    let pixels = x;
    if (strided) {
      pixels = gathered(batch * OH * OW * C);
      for (let b = 0, o = 0; b < batch; b++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++, o += C) {
            const i = ((b * H + oy * strides[0]) * W + ox * strides[1]) * C;
            pixels.set(x.subarray(i, i + C), o);
          }
        }
      }
    }
    const y = product(pixels, batch * OH * OW, clamp);
    if (clamp === null) applyActivation(y, step.activation, step.outputShape);
    return y;
  };
}
