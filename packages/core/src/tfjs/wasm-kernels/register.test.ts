import { describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './register.js';
import { tf } from './test-utils.js';

describe('registerWasmTrainingKernels', () => {
  it('adds only missing kernels by default, replaces slow ones on request, and undoes both', () => {
    const stock = Object.fromEntries(['BatchMatMul', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Tile'].map((k) => [k, tf.getKernel(k, 'wasm')!.kernelFunc]));
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();

    const first = registerWasmTrainingKernels(tf);
    expect([...first.added].sort()).toEqual(['Conv2DBackpropFilter', 'DcAdamStep', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
    expect(first.replaced).toEqual([]);
    for (const [k, f] of Object.entries(stock)) expect(tf.getKernel(k, 'wasm')!.kernelFunc).toBe(f);

    const second = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
    expect(second.added).toEqual([]);
    expect([...second.replaced].sort()).toEqual(['BatchMatMul', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Tile']);
    for (const [k, f] of Object.entries(stock)) expect(tf.getKernel(k, 'wasm')!.kernelFunc).not.toBe(f);
    // The stock kernels' setup functions stay attached (the wrapper delegates to the stock BatchMatMul).
    expect(tf.getKernel('BatchMatMul', 'wasm')!.setupFunc).toBeDefined();

    const third = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
    expect(third.replaced).toEqual([]);

    second.unregister();
    for (const [k, f] of Object.entries(stock)) expect(tf.getKernel(k, 'wasm')!.kernelFunc).toBe(f);
    first.unregister();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
  });
});
