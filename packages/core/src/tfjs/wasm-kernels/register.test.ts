import { describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './register.js';
import { tf } from './test-utils.js';

describe('registerWasmTrainingKernels', () => {
  it('adds only missing kernels by default, replaces slow ones on request, and undoes both', () => {
    const stock = Object.fromEntries(['BatchMatMul', 'Conv2DBackpropInput', 'Equal', 'Greater', 'GreaterEqual', 'Identity', 'Less', 'LessEqual', 'MaxPoolGrad', 'Maximum', 'Minimum', 'NotEqual', 'Tile'].map((k) => [k, tf.getKernel(k, 'wasm')!.kernelFunc]));
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();

    const first = registerWasmTrainingKernels(tf);
    expect([...first.added].sort()).toEqual(['Conv2DBackpropFilter', 'DcAdamStep', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
    expect(first.replaced).toEqual([]);
    for (const [k, f] of Object.entries(stock)) expect(tf.getKernel(k, 'wasm')!.kernelFunc).toBe(f);

    const second = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
    expect(second.added).toEqual([]);
    expect([...second.replaced].sort()).toEqual(['BatchMatMul', 'Conv2DBackpropInput', 'Equal', 'Greater', 'GreaterEqual', 'Identity', 'Less', 'LessEqual', 'MaxPoolGrad', 'Maximum', 'Minimum', 'NotEqual', 'Tile']);
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

describe('Identity (replaced on request)', () => {
  it('shares the data of its input with a counted reference: a clone outlives its source, memory is freed with the last', async () => {
    await tf.setBackend('wasm');
    const kernels = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
    try {
      const buffers = () => tf.engine().backend.numDataIds();
      const before = buffers();
      const x = tf.tensor([1.5, -2, 3]);
      const y = tf.clone(x);
      expect(y.dataId).toBe(x.dataId);
      expect(buffers() - before).toBe(1);
      x.dispose();
      expect(Array.from(await y.data())).toEqual([1.5, -2, 3]);
      y.dispose();
      expect(buffers()).toBe(before);
      const s = tf.clone(tf.tensor(['a', 'b']));
      expect(await s.data()).toEqual(['a', 'b']);
      s.dispose();
    } finally {
      kernels.restore();
    }
  });
});
