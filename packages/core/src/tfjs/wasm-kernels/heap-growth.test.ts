/**
 * An allocation on the wasm backend may grow its heap, and growing detaches every typed view of
 * the old heap: a view taken before the kernel's first `makeOutput` then reads as empty
 * (`undefined`, so `NaN` in arithmetic). Which allocation grows depends on what the heap held
 * before, so the bug showed as NaN gradients in one training run and not the next (a depthwise
 * convolution's input gradient during `dc compress` retraining). Here the first allocation of each
 * kernel call always grows the heap, and each kernel must still match the cpu backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, type WasmTrainingKernels } from './register.js';
import { randomInput, relativeError, runOn, tf, type Input } from './test-utils.js';

interface EmscriptenHeap {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(at: number): void;
}
interface Allocating {
  wasm: EmscriptenHeap;
  makeOutput(...args: unknown[]): tf.TensorInfo;
}

let kernels: WasmTrainingKernels;
beforeAll(async () => {
  await tf.setBackend('wasm');
  kernels = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
});
afterAll(() => kernels.unregister());

/** Fills the heap's free space a megabyte at a time until it grows, then frees what it took. */
function growHeap(heap: EmscriptenHeap): void {
  const buffer = heap.HEAPU8.buffer;
  const taken: number[] = [];
  while (heap.HEAPU8.buffer === buffer) taken.push(heap._malloc(2 ** 20));
  for (const at of taken) heap._free(at);
}

/**
 * Runs kernel `name` on wasm with its first allocation growing the heap ({@link growHeap} just
 * before it); returns the outputs and whether the heap grew.
 */
async function runGrowingHeap(name: string, inputs: Record<string, Input>, attrs: Record<string, unknown>): Promise<{ values: Float32Array; grew: boolean }> {
  await tf.setBackend('wasm');
  const backend = tf.backend() as unknown as Allocating;
  const makeOutput = backend.makeOutput;
  let grow = false;
  let heapBefore: ArrayBufferLike | undefined;
  backend.makeOutput = function growingFirst(this: Allocating, ...args: unknown[]) {
    if (grow) {
      grow = false;
      heapBefore = backend.wasm.HEAPU8.buffer;
      growHeap(backend.wasm);
    }
    return makeOutput.apply(this, args);
  };
  try {
    return tf.tidy(() => {
      const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape, v.dtype ?? 'float32')]));
      grow = true;
      const out = tf.engine().runKernel(name, ts, attrs as tf.NamedAttrMap) as tf.Tensor;
      return { values: Float32Array.from(out.dataSync()), grew: heapBefore !== undefined && backend.wasm.HEAPU8.buffer !== heapBefore };
    });
  } finally {
    backend.makeOutput = makeOutput;
  }
}

const conv = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
const CASES: { name: string; inputs: Record<string, Input>; attrs: Record<string, unknown> }[] = [
  { name: 'DepthwiseConv2dNativeBackpropInput', inputs: { dy: randomInput([2, 4, 4, 6], 1), filter: randomInput([3, 3, 3, 2], 2) }, attrs: { ...conv, inputShape: [2, 7, 7, 3] } },
  { name: 'DepthwiseConv2dNativeBackpropFilter', inputs: { x: randomInput([2, 7, 7, 3], 3), dy: randomInput([2, 4, 4, 6], 4) }, attrs: { ...conv, filterShape: [3, 3, 3, 2] } },
  { name: 'Conv2DBackpropInput', inputs: { dy: randomInput([2, 4, 4, 5], 5), filter: randomInput([3, 3, 3, 5], 6) }, attrs: { ...conv, inputShape: [2, 7, 7, 3] } },
  { name: 'Conv2DBackpropFilter', inputs: { x: randomInput([2, 7, 7, 3], 7), dy: randomInput([2, 4, 4, 5], 8) }, attrs: { ...conv, filterShape: [3, 3, 3, 5] } },
  { name: 'MaxPoolGrad', inputs: { dy: randomInput([2, 3, 3, 6], 9), input: randomInput([2, 6, 6, 6], 10), output: randomInput([2, 3, 3, 6], 11) }, attrs: { filterSize: 2, strides: 2, pad: 'valid' } },
  { name: 'BatchMatMul', inputs: { a: randomInput([2, 5, 7], 12), b: randomInput([2, 7, 9], 13) }, attrs: { transposeA: false, transposeB: false } },
  { name: 'UnsortedSegmentSum', inputs: { x: randomInput([6, 5], 14), segmentIds: { values: Int32Array.from([0, 2, 1, 2, 0, 3]), shape: [6], dtype: 'int32' } }, attrs: { numSegments: 4 } },
  { name: 'Tile', inputs: { x: randomInput([3, 1, 4], 15) }, attrs: { reps: [2, 5, 1] } },
];

describe('wasm training kernels read their inputs after allocating (the heap may grow)', () => {
  it.each(CASES)('$name matches the cpu backend when its first allocation grows the heap', async ({ name, inputs, attrs }) => {
    const grown = await runGrowingHeap(name, inputs, attrs);
    expect(grown.grew).toBe(true);
    const cpu = await runOn('cpu', name, inputs, attrs);
    expect(grown.values.every(Number.isFinite)).toBe(true);
    expect(relativeError(grown.values, cpu.values)).toBeLessThanOrEqual(1e-4);
  });
});
