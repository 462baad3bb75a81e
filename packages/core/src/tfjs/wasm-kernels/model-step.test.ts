import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../random.js';
import { registerWasmTrainingKernels, type WasmTrainingKernels } from './register.js';
import { relativeError, tf } from './test-utils.js';

/** Caffe's LeNet-5 as in the paper: conv 5×5×20 → pool → conv 5×5×50 → pool → 500 relu → 10. */
function lenet5(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5 }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  m.add(tf.layers.conv2d({ filters: 50, kernelSize: 5 }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 500, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

/** The seed's convnet: conv 5×5 stride 2 SAME 1→32 relu, 32→64 relu, dense 3136→1024 relu → 10. */
function seedConvnet(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 1024, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

function uniform(n: number, seed: number, scale: number): Float32Array {
  const r = createRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r.next() * 2 - 1) * scale;
  return out;
}

/** Loss and every variable's gradient for one batch, on `backend`, from fixed weights. */
async function step(backend: 'wasm' | 'cpu', build: () => tf.Sequential, batch: number, seed: number) {
  await tf.setBackend(backend);
  const model = build();
  try {
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(uniform(w.size, seed + i, w.rank > 1 ? Math.sqrt(6 / (w.shape.at(-2)! + w.shape.at(-1)!)) : 0.05), w.shape)));
    return tf.tidy(() => {
      const x = tf.tensor4d(uniform(batch * 784, seed + 100, 1).map((v) => Math.abs(v)), [batch, 28, 28, 1]);
      const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7 + seed) % 10);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
      const { value, grads } = tf.variableGrads(() => {
        const p = model.apply(x, { training: true }) as tf.Tensor;
        return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), -1))) as tf.Scalar;
      }, model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
      const out: Record<string, Float32Array> = {};
      model.trainableWeights.forEach((w, i) => {
        out[`${i}:${w.shape.join('x')}`] = Float32Array.from(grads[(w as unknown as { val: tf.Variable }).val.name].dataSync());
      });
      return { loss: value.dataSync()[0], grads: out };
    });
  } finally {
    model.dispose();
  }
}

let kernels: WasmTrainingKernels;
beforeAll(async () => {
  await tf.setBackend('wasm');
  kernels = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
});
afterAll(() => kernels.unregister());

describe('a whole training step on wasm matches the cpu backend (every variable gradient, relative error <= 1e-4)', () => {
  // Batch 2 and 1: tfjs's cpu backend needs about a second per image for these filter gradients.
  for (const [name, build, batch] of [
    ['LeNet-5', lenet5, 2],
    ['seed convnet', seedConvnet, 1],
  ] as const) {
    it(`${name} (batch ${batch})`, async () => {
      const wasm = await step('wasm', build, batch, 7);
      const cpu = await step('cpu', build, batch, 7);
      expect(Object.keys(wasm.grads)).toEqual(Object.keys(cpu.grads));
      expect(Object.keys(wasm.grads)).toHaveLength(8);
      expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThanOrEqual(1e-5);
      const errors = Object.fromEntries(Object.keys(cpu.grads).map((k) => [k, relativeError(wasm.grads[k], cpu.grads[k])]));
      for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThanOrEqual(1e-4);
      // The gradients are not all zero (a dead network would pass trivially).
      for (const g of Object.values(cpu.grads)) expect(g.some((v) => v !== 0)).toBe(true);
    });
  }
});
