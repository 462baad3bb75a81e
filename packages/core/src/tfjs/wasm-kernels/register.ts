import type * as tf from '@tensorflow/tfjs';
import { ADAM_STEP, adamStep } from './adam-step.js';
import { createBatchMatMul } from './batch-mat-mul.js';
import { createConv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { createConv2DBackpropInput } from './conv2d-backprop-input.js';
import { createDepthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter.js';
import { createDepthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input.js';
import { createIdentity } from './identity.js';
import { createMaxPoolGrad } from './max-pool-grad.js';
import { createTile } from './tile.js';
import { createTiledBroadcast, TILED_BROADCAST_KERNELS } from './tiled-broadcast.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';
import { WASM, type Tfjs, type WasmKernelFunc } from './wasm-backend.js';

/** Options of {@link registerWasmTrainingKernels}. */
export interface WasmTrainingKernelsOptions {
  /**
   * Also replace kernels the wasm backend has but runs slowly when training:
   * `Conv2DBackpropInput` (a direct loop, ~10x slower than the forward convolution),
   * `MaxPoolGrad`, the transposed cases of `BatchMatMul` (every dense layer's gradients),
   * `Tile` (every BatchNormalization gradient tiles its statistics to the activation's shape),
   * `Identity` (a copy of every tensor a gradient keeps; shared instead) and the comparisons,
   * `Maximum` and `Minimum` of operands that broadcast (`TILED_BROADCAST_KERNELS`: the gradient of
   * every global max pooling compares with broadcast maxima).
   * The replacements match the cpu backend to float32 rounding and are what brings wasm training
   * to its benchmark speed. Default `false`: only missing kernels are added.
   */
  replaceSlowKernels?: boolean;
}

/** What {@link registerWasmTrainingKernels} did. */
export interface WasmTrainingKernels {
  /** Kernels that were missing and are now registered. */
  readonly added: readonly string[];
  /** Kernels that existed and were replaced (only with `replaceSlowKernels`). */
  readonly replaced: readonly string[];
  /** Kernels left as they were because the backend already had them (or ours were already in). */
  readonly kept: readonly string[];
  /**
   * Restores tfjs's kernel registry to what it was before this call: removes the kernels it
   * added and puts back the stock kernels it replaced. Calling it again does nothing.
   */
  restore(): void;
  /** @deprecated Use {@link WasmTrainingKernels.restore}; the same function. */
  unregister(): void;
}

/** Kernels tfjs-backend-wasm 4.x lacks and training needs. */
const MISSING: Record<string, (tfjs: Tfjs) => WasmKernelFunc> = {
  Conv2DBackpropFilter: createConv2DBackpropFilter,
  UnsortedSegmentSum: () => unsortedSegmentSum,
  DepthwiseConv2dNativeBackpropFilter: createDepthwiseConv2dBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: createDepthwiseConv2dBackpropInput,
  // Ours, not a tfjs kernel: the fused Adam update `createAdamOptimizer` uses.
  [ADAM_STEP]: () => adamStep as unknown as WasmKernelFunc,
};

/** Kernels it has but runs slowly; each factory gets the kernel it replaces. */
const SLOW: Record<string, (tfjs: Tfjs, original: WasmKernelFunc) => WasmKernelFunc> = {
  BatchMatMul: createBatchMatMul,
  Conv2DBackpropInput: createConv2DBackpropInput,
  MaxPoolGrad: createMaxPoolGrad,
  Tile: createTile,
  Identity: createIdentity,
  ...Object.fromEntries(TILED_BROADCAST_KERNELS.map((name) => [name, createTiledBroadcast])),
};

/** Every kernel function this module made, so a second call recognises its own work. */
const ours = new WeakSet<object>();

/**
 * Registers, for tfjs's `wasm` backend, the kernels that training convolutional networks needs
 * and `@tensorflow/tfjs-backend-wasm` lacks (`Conv2DBackpropFilter` on the backend's own XNNPACK
 * code; `UnsortedSegmentSum` and the two `DepthwiseConv2dNativeBackprop*` kernels in JS on the
 * WASM heap). Call it explicitly (nothing is
 * registered on import), before or after `tf.setBackend('wasm')`. A kernel the registry already
 * has for `wasm` is never replaced unless `replaceSlowKernels` asks for it; calling again is
 * harmless. tfjs's kernel registry is process-wide: what this registers serves every user of
 * tfjs-wasm in the process until the returned `restore()`. `tf` is the `@tensorflow/tfjs`
 * namespace whose registry to change.
 */
export function registerWasmTrainingKernels(tfjs: typeof tf, options: WasmTrainingKernelsOptions = {}): WasmTrainingKernels {
  const added: string[] = [];
  const replaced: string[] = [];
  const kept: string[] = [];
  const undo: (() => void)[] = [];
  for (const [name, make] of Object.entries(MISSING)) {
    if (tfjs.getKernel(name, WASM) !== undefined) {
      kept.push(name);
      continue;
    }
    const kernelFunc = make(tfjs);
    ours.add(kernelFunc);
    tfjs.registerKernel({ kernelName: name, backendName: WASM, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    added.push(name);
    undo.push(() => tfjs.unregisterKernel(name, WASM));
  }
  for (const [name, make] of Object.entries(SLOW)) {
    const original = tfjs.getKernel(name, WASM);
    if (!options.replaceSlowKernels || original === undefined || ours.has(original.kernelFunc)) {
      kept.push(name);
      continue;
    }
    const kernelFunc = make(tfjs, original.kernelFunc as unknown as WasmKernelFunc);
    ours.add(kernelFunc);
    tfjs.unregisterKernel(name, WASM);
    // The original's setup/dispose stay attached: the wrapper and a later restore both need it set up.
    tfjs.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    replaced.push(name);
    undo.push(() => {
      tfjs.unregisterKernel(name, WASM);
      tfjs.registerKernel(original);
    });
  }
  let done = false;
  const restore = () => {
    if (done) return;
    done = true;
    for (const step of undo.reverse()) step();
  };
  return { added, replaced, kept, restore, unregister: restore };
}
