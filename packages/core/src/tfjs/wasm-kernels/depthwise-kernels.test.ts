/**
 * The depthwise convolution gradients (what `depthwiseConv2d` layers need to train on wasm) against
 * the cpu backend, kernel by kernel on random geometries and as a whole MobileNet-style training
 * step (depthwise → BatchNorm → ReLU6 → pointwise → global average pooling → dense).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../random.js';
import { registerWasmTrainingKernels, type WasmTrainingKernels } from './register.js';
import { compareWithCpu, randomInput, relativeError, tf } from './test-utils.js';

const TOLERANCE = 1e-4;
let kernels: WasmTrainingKernels;

beforeAll(async () => {
  await tf.setBackend('wasm');
  kernels = registerWasmTrainingKernels(tf);
});
afterAll(() => kernels.restore());

/** A random depthwise convolution: input, filter `[fh, fw, C, M]`, strides, padding, and tfjs's output shape. */
const depthwiseCase = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 11 }),
    width: fc.integer({ min: 1, max: 11 }),
    channels: fc.integer({ min: 1, max: 6 }),
    multiplier: fc.integer({ min: 1, max: 3 }),
    fh: fc.integer({ min: 1, max: 5 }),
    fw: fc.integer({ min: 1, max: 5 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    pad: fc.constantFrom('valid' as const, 'same' as const),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .filter((c) => c.pad === 'same' || (c.fh <= c.height && c.fw <= c.width))
  .map((c) => {
    const xShape = [c.batch, c.height, c.width, c.channels];
    const filterShape = [c.fh, c.fw, c.channels, c.multiplier];
    const info = tf.backend_util.computeConv2DInfo(xShape as never, filterShape as never, [c.sh, c.sw], 1, c.pad, undefined, true);
    return { ...c, xShape, filterShape, dyShape: info.outShape as number[] };
  });

describe('wasm depthwise convolution gradients match the cpu backend (relative error <= 1e-4)', () => {
  it('are registered because tfjs-backend-wasm lacks them, and restore() removes them', () => {
    expect(kernels.added).toEqual(expect.arrayContaining(['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']));
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeDefined();
  });

  it('DepthwiseConv2dNativeBackpropFilter on random shapes, multipliers, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(depthwiseCase, async (c) => {
        const inputs = { x: randomInput(c.xShape, c.seed), dy: randomInput(c.dyShape, c.seed + 1) };
        const attrs = { strides: [c.sh, c.sw], pad: c.pad, dilations: 1, filterShape: c.filterShape };
        const r = await compareWithCpu('DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
        expect(r.wasmShape).toEqual(c.filterShape);
        expect(r.error).toBeLessThanOrEqual(TOLERANCE);
      }),
      { numRuns: 40, seed: 46 },
    );
  });

  it('DepthwiseConv2dNativeBackpropInput on random shapes, multipliers, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(depthwiseCase, async (c) => {
        const inputs = { dy: randomInput(c.dyShape, c.seed), filter: randomInput(c.filterShape, c.seed + 1) };
        const attrs = { strides: [c.sh, c.sw], pad: c.pad, dilations: 1, inputShape: c.xShape };
        const r = await compareWithCpu('DepthwiseConv2dNativeBackpropInput', inputs, attrs);
        expect(r.wasmShape).toEqual(c.xShape);
        expect(r.error).toBeLessThanOrEqual(TOLERANCE);
      }),
      { numRuns: 40, seed: 47 },
    );
  });

  it('explicit padding; a dilated filter is refused with a code (tfjs has no such gradient)', async () => {
    const explicit = { strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dilations: [1, 1] };
    const x = randomInput([2, 5, 4, 3], 4);
    const dy = randomInput([2, 6, 3, 6], 5);
    const filter = await compareWithCpu('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...explicit, filterShape: [3, 3, 3, 2] });
    const input = await compareWithCpu('DepthwiseConv2dNativeBackpropInput', { dy, filter: randomInput([3, 3, 3, 2], 6) }, { ...explicit, inputShape: [2, 5, 4, 3] });
    for (const r of [filter, input]) expect(r.error).toBeLessThanOrEqual(TOLERANCE);
    await tf.setBackend('wasm');
    expect(() =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.zeros([1, 5, 5, 1]), dy: tf.zeros([1, 1, 1, 1]) }, { strides: 1, pad: 'valid', dilations: 2, filterShape: [3, 3, 1, 1] }),
    ).toThrow(/INVALID_OPTION|dilation/);
  });
});

function uniform(n: number, seed: number, scale: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: n }, () => (r.next() * 2 - 1) * scale);
}

/**
 * A MobileNet-style block as a tfjs user builds it: depthwise (stride 2) → BN → ReLU6 → depthwise →
 * pointwise → BN → ReLU6 → GAP → dense. No biases before BatchNorm: their true gradient is zero
 * (BN subtracts the batch mean), so both backends would only compare rounding noise.
 */
function mobileBlock(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  let x = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 4, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

async function step(backend: 'wasm' | 'cpu') {
  await tf.setBackend(backend);
  const model = mobileBlock();
  try {
    // Moving variances near 1 (they must stay positive); everything else uniform in ±0.5.
    model.setWeights(model.weights.map((w, i) => {
      const shape = w.shape as number[];
      return tf.tensor(uniform(shape.reduce((a, b) => a * b, 1), 11 + i, 0.5).map((v) => (w.name.includes('variance') ? 1 + v : v)), shape);
    }));
    return tf.tidy(() => {
      const x = tf.tensor4d(uniform(4 * 12 * 12 * 3, 3, 1), [4, 12, 12, 3]);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
      const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
      return { loss: value.dataSync()[0], grads: vars.map((v) => Float32Array.from(grads[v.name].dataSync())) };
    });
  } finally {
    model.dispose();
  }
}

describe('a MobileNet-style training step on wasm matches the cpu backend', () => {
  it('every variable gradient within 1e-4 (depthwise kernels with and without a multiplier)', async () => {
    const wasm = await step('wasm');
    const cpu = await step('cpu');
    expect(wasm.grads).toHaveLength(cpu.grads.length);
    expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThanOrEqual(1e-5);
    cpu.grads.forEach((g, i) => {
      expect(g.some((v) => v !== 0), `gradient ${i} is not all zero`).toBe(true);
      expect(relativeError(wasm.grads[i], g), `gradient ${i}`).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});
