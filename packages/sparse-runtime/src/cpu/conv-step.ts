/**
 * conv2d and depthwiseConv2d steps: the direct sparse convolution in WASM SIMD (`wasm/wasm-conv.ts`),
 * 1×1 kernels included (its accumulators stay in registers per output channel: 1.08–1.18× faster
 * at batch 1,000 than the dense layers' product over pixels, which keeps them in memory); a
 * depthwise layer with multiplier 1 and a multiple of 4 channels in depthwise.wat, channels in the
 * lanes straight on NHWC (`wasm/wasm-depthwise.ts`). Where
 * WASM SIMD is missing or `batchKernel` asks for TypeScript: the TypeScript direct convolution
 * (`conv-kernel.ts`), and for a 1×1 kernel the TypeScript product over pixels (`product-kernel.ts`).
 */
import type { PlanStep } from '../model/plan.js';
import { applyActivation, fillBias } from './activation.js';
import { sparseConvSample } from './conv-kernel.js';
import { convSpecOf } from './conv-spec.js';
import type { CpuKernel } from './graph-executor.js';
import type { CpuPrepareContext } from './prepare-context.js';
import { outputBuffer } from './output-buffer.js';
import { pointwiseKernel } from './product-kernel.js';
import { createWasmConv } from './wasm/wasm-conv.js';
import { createWasmDepthwise } from './wasm/wasm-depthwise.js';

/** A conv2d or depthwiseConv2d step. */
export function convKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const spec = convSpecOf(step, ctx.rows.get(step.index));
  const typescript = ctx.options.batchKernel === 'per-sample' || ctx.options.batchKernel === 'tiled';
  const wasm = typescript ? null : (createWasmDepthwise(spec, ctx.arena) ?? createWasmConv(spec, ctx.arena));
  const pointwise = step.kind === 'conv2d' && spec.kernelSize[0] === 1 && spec.kernelSize[1] === 1;
  if (!wasm && pointwise) return pointwiseKernel(step, ctx);
  const after = spec.clamp === null ? step.activation : null;
  if (wasm) {
    return ([x], batch) => {
      const y = wasm.run(x, batch);
      applyActivation(y, after, step.outputShape);
      return y;
    };
  }
  const inSize = spec.input[0] * spec.input[1] * spec.input[2];
  const [OH, OW, F] = spec.output;
  const output = outputBuffer();
  return ([x], batch) => {
    const y = output(batch * OH * OW * F);
    fillBias(y, batch * OH * OW, F, spec.bias ?? undefined);
    for (let b = 0; b < batch; b++) sparseConvSample(spec, x, b * inSize, y, b * OH * OW * F);
    applyActivation(y, step.activation, step.outputShape);
    return y;
  };
}
