import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { registerWasmTrainingKernels, type WasmTrainingKernels } from './register.js';
import { compareWithCpu, randomInput, relativeError, runOn, tf } from './test-utils.js';

const TOLERANCE = 1e-4;
let kernels: WasmTrainingKernels;

beforeAll(async () => {
  await tf.setBackend('wasm');
  kernels = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
});
afterAll(() => kernels.unregister());

/** A random convolution: input, filter, strides, padding, and the output shape tfjs computes. */
const convCase = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 11 }),
    width: fc.integer({ min: 1, max: 11 }),
    inChannels: fc.integer({ min: 1, max: 6 }),
    // 1-20: the direct filter gradient takes multiples of 4 (8-wide blocks and a 4-wide tail).
    outChannels: fc.integer({ min: 1, max: 20 }),
    fh: fc.integer({ min: 1, max: 5 }),
    fw: fc.integer({ min: 1, max: 5 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    pad: fc.constantFrom('valid' as const, 'same' as const),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .filter((c) => c.pad === 'same' || (c.fh <= c.height && c.fw <= c.width))
  .map((c) => {
    const xShape = [c.batch, c.height, c.width, c.inChannels];
    const filterShape = [c.fh, c.fw, c.inChannels, c.outChannels];
    const info = tf.backend_util.computeConv2DInfo(xShape as never, filterShape as never, [c.sh, c.sw], 1, c.pad);
    return { ...c, xShape, filterShape, dyShape: info.outShape as number[] };
  });

describe('wasm training kernels match the cpu backend (relative error <= 1e-4)', () => {
  it('registers what is missing and replaces the slow ones only on request', () => {
    expect([...kernels.added].sort()).toEqual(['Conv2DBackpropFilter', 'DcAdamStep', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
    expect([...kernels.replaced].sort()).toEqual(['BatchMatMul', 'Conv2DBackpropInput', 'Equal', 'Greater', 'GreaterEqual', 'Identity', 'Less', 'LessEqual', 'MaxPoolGrad', 'Maximum', 'Minimum', 'NotEqual', 'Tile']);
    const again = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
    expect(again.added).toEqual([]);
    expect(again.replaced).toEqual([]);
  });

  it('Conv2DBackpropFilter on random shapes, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, async (c) => {
        const inputs = { x: randomInput(c.xShape, c.seed), dy: randomInput(c.dyShape, c.seed + 1) };
        const attrs = { strides: [c.sh, c.sw], pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape };
        const r = await compareWithCpu('Conv2DBackpropFilter', inputs, attrs);
        expect(r.wasmShape).toEqual(c.filterShape);
        expect(r.error).toBeLessThanOrEqual(TOLERANCE);
      }),
      { numRuns: 40, seed: 42 },
    );
  });

  it('Conv2DBackpropInput on random shapes, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, async (c) => {
        const inputs = { dy: randomInput(c.dyShape, c.seed), filter: randomInput(c.filterShape, c.seed + 1) };
        const attrs = { strides: [c.sh, c.sw], pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape };
        const r = await compareWithCpu('Conv2DBackpropInput', inputs, attrs);
        expect(r.wasmShape).toEqual(c.xShape);
        expect(r.error).toBeLessThanOrEqual(TOLERANCE);
      }),
      { numRuns: 40, seed: 43 },
    );
  });

  it('Conv2DBackpropFilter, all three formulations: direct, as a convolution, and (trailing rows unused) by im2col', async () => {
    // The direct SIMD sums with 12 output channels (an 8-wide block and a 4-wide tail) and 3 (dy
    // padded to 4), also with stride 2 leaving a row unused and with SAME padding. Without WASM SIMD
    // (here: simd false) stride 1 runs as a dilated forward convolution, and 12 = 5 + 2·3 + 1 with
    // stride 2 VALID, which leaves a row unused, by im2col.
    tf.registerKernel({ kernelName: 'DcTestFilterGradXnnpack', backendName: 'wasm', kernelFunc: createConv2DBackpropFilter(tf, { simd: false }) as never });
    try {
      for (const [xShape, strides, pad, dyShape, co] of [
        [[2, 12, 12, 3], 1, 'valid', [2, 8, 8, 12], 12],
        [[2, 12, 12, 3], 2, 'valid', [2, 4, 4, 12], 12],
        [[2, 12, 11, 3], 2, 'same', [2, 6, 6, 12], 12],
        [[2, 12, 12, 3], 1, 'valid', [2, 8, 8, 3], 3],
        [[2, 12, 12, 3], 2, 'valid', [2, 4, 4, 3], 3],
      ] as const) {
        const inputs = { x: randomInput([...xShape], 7), dy: randomInput([...dyShape], 8) };
        const attrs = { strides, pad, dataFormat: 'NHWC', filterShape: [5, 5, 3, co] };
        const cpu = await runOn('cpu', 'Conv2DBackpropFilter', inputs, attrs);
        for (const name of ['Conv2DBackpropFilter', 'DcTestFilterGradXnnpack']) {
          const wasm = await runOn('wasm', name, inputs, attrs);
          expect(wasm.shape).toEqual([5, 5, 3, co]);
          expect(relativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(TOLERANCE);
        }
      }
    } finally {
      tf.unregisterKernel('DcTestFilterGradXnnpack', 'wasm');
    }
  });

  it('NCHW layouts and explicit padding', async () => {
    const nchw = { strides: [2, 1], pad: 'same', dataFormat: 'NCHW' };
    const x = randomInput([2, 3, 7, 6], 1);
    const dy = randomInput([2, 4, 4, 6], 2);
    const filter = await compareWithCpu('Conv2DBackpropFilter', { x, dy }, { ...nchw, filterShape: [3, 2, 3, 4] });
    expect(filter.wasmShape).toEqual([3, 2, 3, 4]);
    const input = await compareWithCpu('Conv2DBackpropInput', { dy, filter: randomInput([3, 2, 3, 4], 3) }, { ...nchw, inputShape: [2, 3, 7, 6] });
    expect(input.wasmShape).toEqual([2, 3, 7, 6]);
    const explicit = { strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dataFormat: 'NHWC' };
    const xe = randomInput([2, 5, 4, 3], 4);
    const dye = randomInput([2, 6, 3, 2], 5);
    const filterE = await compareWithCpu('Conv2DBackpropFilter', { x: xe, dy: dye }, { ...explicit, filterShape: [3, 3, 3, 2] });
    const inputE = await compareWithCpu('Conv2DBackpropInput', { dy: dye, filter: randomInput([3, 3, 3, 2], 6) }, { ...explicit, inputShape: [2, 5, 4, 3] });
    for (const r of [filter, input, filterE, inputE]) expect(r.error).toBeLessThanOrEqual(TOLERANCE);
  });

  it('MaxPoolGrad on random shapes, including ties (ReLU zeros)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          size: fc.integer({ min: 2, max: 12 }),
          // multiples of 4 run the WASM SIMD pass, the others the JS one
          channels: fc.integer({ min: 1, max: 12 }),
          pool: fc.integer({ min: 1, max: 3 }),
          stride: fc.integer({ min: 1, max: 3 }),
          pad: fc.constantFrom('valid' as const, 'same' as const),
          relu: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        async (c) => {
          const xShape = [c.batch, c.size, c.size, c.channels];
          const x = randomInput(xShape, c.seed);
          if (c.relu) x.values = x.values.map((v) => Math.max(0, v));
          const attrs = { filterSize: c.pool, strides: c.stride, pad: c.pad };
          const y = await runMaxPool(x, attrs);
          const inputs = { dy: randomInput(y.shape, c.seed + 1), input: x, output: y };
          const r = await compareWithCpu('MaxPoolGrad', inputs, attrs);
          expect(r.wasmShape).toEqual(xShape);
          expect(r.error).toBeLessThanOrEqual(TOLERANCE);
        },
      ),
      { numRuns: 40, seed: 44 },
    );
  });

  it('BatchMatMul with transposed operands, broadcast batches and sparse left operands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          batch: fc.constantFrom([], [1], [3], [2, 2]),
          bBroadcast: fc.boolean(),
          // M a multiple of 4 takes the packed (zero-skipping) product; N mod 8 the 8-wide tail.
          m: fc.integer({ min: 1, max: 13 }),
          k: fc.integer({ min: 1, max: 9 }),
          n: fc.integer({ min: 1, max: 19 }),
          ta: fc.boolean(),
          tb: fc.boolean(),
          // Fraction of A set to zero: none (dense gemm), most (packed), all (every block empty).
          zeros: fc.constantFrom(0, 0.7, 0.95, 1),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        async (c) => {
          const aShape = [...c.batch, ...(c.ta ? [c.k, c.m] : [c.m, c.k])];
          const bBatch = c.bBroadcast && c.batch.length > 0 ? [1] : c.batch;
          const bShape = [...bBatch, ...(c.tb ? [c.n, c.k] : [c.k, c.n])];
          const a = randomInput(aShape, c.seed);
          const mask = randomInput(aShape, c.seed + 2).values;
          a.values.forEach((_, i) => {
            if ((mask[i] + 1) / 2 < c.zeros) a.values[i] = 0;
          });
          const inputs = { a, b: randomInput(bShape, c.seed + 1) };
          const r = await compareWithCpu('BatchMatMul', inputs, { transposeA: c.ta, transposeB: c.tb });
          expect(r.wasmShape).toEqual(r.cpuShape);
          expect(r.error).toBeLessThanOrEqual(TOLERANCE);
        },
      ),
      { numRuns: 80, seed: 45 },
    );
  });

  it('BatchMatMul with a weight operand used again (the XNNPACK path) agrees with its first, WASM SIMD product', async () => {
    await tf.setBackend('wasm');
    const [x, w] = [randomInput([13, 29], 7), randomInput([29, 11], 8)].map((i) => tf.tensor(i.values, i.shape));
    const first = tf.matMul(x, w);
    const again = tf.matMul(x, w);
    const cpu = await runOn('cpu', 'BatchMatMul', { a: randomInput([13, 29], 7), b: randomInput([29, 11], 8) }, {});
    expect(relativeError(first.dataSync(), cpu.values)).toBeLessThanOrEqual(TOLERANCE);
    expect(relativeError(again.dataSync(), cpu.values)).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([x, w, first, again]);
  });

  it('UnsortedSegmentSum (the gradient of gather), out-of-range ids dropped', async () => {
    const x = randomInput([7, 3, 2], 5);
    const segmentIds = { values: Int32Array.from([0, 2, 2, 5, -1, 1, 0]), shape: [7], dtype: 'int32' as const };
    const r = await compareWithCpu('UnsortedSegmentSum', { x, segmentIds }, { numSegments: 4 });
    expect(r.wasmShape).toEqual([4, 3, 2]);
    expect(r.error).toBeLessThanOrEqual(TOLERANCE);
  });
});

async function runMaxPool(x: { values: Float32Array | Int32Array; shape: number[] }, attrs: { filterSize: number; strides: number; pad: 'valid' | 'same' }) {
  await tf.setBackend('cpu');
  return tf.tidy(() => {
    const y = tf.maxPool(tf.tensor4d(x.values, x.shape as [number, number, number, number]), attrs.filterSize, attrs.strides, attrs.pad);
    return { values: Float32Array.from(y.dataSync()), shape: y.shape as number[] };
  });
}
