/**
 * Choosing a training backend changes tfjs's process-wide kernel registry only as asked, and
 * the change can be undone. Its own file, so tfjs-wasm's registry starts as shipped.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectTrainingBackend } from './backend.js';

const SLOW = ['BatchMatMul', 'Conv2DBackpropInput', 'Equal', 'Greater', 'GreaterEqual', 'Identity', 'Less', 'LessEqual', 'MaxPoolGrad', 'Maximum', 'Minimum', 'NotEqual', 'Tile'];
const MISSING = ['Conv2DBackpropFilter', 'DcAdamStep', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum'];
const kernelOf = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc;

describe('selectTrainingBackend', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on wasm adds only the missing training kernels unless asked, and restore() undoes every change', async () => {
    const lines: string[] = [];
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' ')));
    // Default order: tfjs-node(-gpu) are installed here without their binding and are skipped quietly.
    const plain = await selectTrainingBackend({ prefer: ['tensorflow-gpu', 'tensorflow', 'wasm'] });
    expect(lines).toEqual([]);
    expect(plain.backend).toBe('wasm');
    expect(plain.tf).toBe(tf);
    expect(plain.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
    const stock = Object.fromEntries(SLOW.map((k) => [k, kernelOf(k)]));
    for (const k of SLOW) expect(stock[k]).toBeDefined();
    expect([...plain.wasmKernels!.added].sort()).toEqual(MISSING);
    expect(plain.wasmKernels!.replaced).toEqual([]);
    for (const k of MISSING) expect(kernelOf(k)).toBeDefined();

    const fast = await selectTrainingBackend({ prefer: ['wasm'], replaceSlowWasmKernels: true });
    expect([...fast.wasmKernels!.replaced].sort()).toEqual(SLOW);
    for (const k of SLOW) expect(kernelOf(k)).not.toBe(stock[k]);

    fast.restore();
    for (const k of SLOW) expect(kernelOf(k)).toBe(stock[k]);
    plain.restore();
    plain.restore();
    for (const k of MISSING) expect(kernelOf(k)).toBeUndefined();
    expect(tf.getBackend()).toBe('wasm');
  });

  it("replaces Tile's gradient on any backend only when asked, and restore() puts tfjs's back", async () => {
    const stock = tf.getGradient('Tile');
    const plain = await selectTrainingBackend({ prefer: ['cpu'] });
    expect(plain.replacedGradients).toEqual([]);
    expect(tf.getGradient('Tile')).toBe(stock);
    const fast = await selectTrainingBackend({ prefer: ['cpu'], replaceSlowGradients: true });
    expect(fast.replacedGradients).toEqual(['Tile']);
    expect(tf.getGradient('Tile')).not.toBe(stock);
    fast.restore();
    expect(tf.getGradient('Tile')).toBe(stock);
    plain.restore();
  });

  it('has nothing to restore on cpu', async () => {
    const cpu = await selectTrainingBackend({ prefer: ['cpu'] });
    expect(cpu.backend).toBe('cpu');
    expect(cpu.wasmKernels).toBeUndefined();
    cpu.restore();
    expect(tf.getBackend()).toBe('cpu');
    for (const k of MISSING) expect(kernelOf(k)).toBeUndefined();
  });
});
