/**
 * Test helpers (not exported from the package): run the same kernel on the wasm and cpu
 * backends from identical inputs and compare.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRandom } from '../../random.js';

export { tf };

/** An input of a kernel run: values, shape, dtype. */
export interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Uniform values in [-1, 1) from a seed. */
export function randomInput(shape: number[], seed: number): Input {
  const r = createRandom(seed);
  const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < values.length; i++) values[i] = r.next() * 2 - 1;
  return { values, shape };
}

/** Runs kernel `name` on `backend` and returns its output values and shape. */
export async function runOn(
  backend: 'wasm' | 'cpu',
  name: string,
  inputs: Record<string, Input>,
  attrs: Record<string, unknown>,
): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape, v.dtype ?? 'float32')]));
    const out = tf.engine().runKernel(name, ts, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { values: Float32Array.from(out.dataSync()), shape: out.shape };
  });
}

/** max |a - b| / max |b|: the error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? err : err / scale;
}

/** Runs on wasm and cpu; returns the relative error and whether the shapes agree. */
export async function compareWithCpu(name: string, inputs: Record<string, Input>, attrs: Record<string, unknown>) {
  const wasm = await runOn('wasm', name, inputs, attrs);
  const cpu = await runOn('cpu', name, inputs, attrs);
  return { error: relativeError(wasm.values, cpu.values), wasmShape: wasm.shape, cpuShape: cpu.shape };
}
