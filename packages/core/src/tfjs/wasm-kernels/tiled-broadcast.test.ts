import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, type WasmTrainingKernels } from './register.js';
import { randomInput, runOn, tf } from './test-utils.js';
import { TILED_BROADCAST_KERNELS } from './tiled-broadcast.js';

let kernels: WasmTrainingKernels;
beforeAll(async () => {
  await tf.setBackend('wasm');
  kernels = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
});
afterAll(() => kernels.restore());

/** Values from {-1, 0, 1} (no -0: the backends order signed zeros differently), so that a good share of the pairs are equal. */
function levels(shape: number[], seed: number) {
  const input = randomInput(shape, seed);
  return { ...input, values: input.values.map((v) => Math.round(v) || 0) };
}

describe('the wasm replacements of broadcasting comparisons, Maximum and Minimum equal the cpu backend exactly', () => {
  it('on random shapes that broadcast (ranks 0-5, stretched axes on either side, lower ranks, scalars, empty axes), every kernel', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TILED_BROADCAST_KERNELS),
        fc.array(fc.record({ size: fc.integer({ min: 0, max: 4 }), side: fc.constantFrom('both', 'a', 'b') }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1e6 }),
        async (kernel, axes, dropLeading, seed) => {
          const a = axes.map((x) => (x.side === 'b' ? 1 : x.size));
          const b = axes.map((x) => (x.side === 'a' ? 1 : x.size)).slice(Math.min(dropLeading, axes.length));
          const inputs = { a: levels(a, seed), b: levels(b, seed + 1) };
          const wasm = await runOn('wasm', kernel, inputs, {});
          const cpu = await runOn('cpu', kernel, inputs, {});
          expect(wasm.shape).toEqual(cpu.shape);
          expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
        },
      ),
      { numRuns: 200, seed: 21 },
    );
  });

  it("the gradient of a global max pooling (the input against its maxima), int32, and shapes that do not broadcast", async () => {
    const x = randomInput([4, 6, 5, 3], 3);
    await tf.setBackend('wasm');
    const [grad, count] = tf.tidy(() => {
      const t = tf.tensor(x.values, x.shape);
      const g = tf.grad((v) => tf.max(v, [1, 2]))(t);
      return [Array.from(g.dataSync()), tf.sum(g).dataSync()[0]];
    });
    await tf.setBackend('cpu');
    const cpuGrad = tf.tidy(() => Array.from(tf.grad((v) => tf.max(v, [1, 2]))(tf.tensor(x.values, x.shape)).dataSync()));
    expect(grad).toEqual(cpuGrad);
    expect(count).toBe(4 * 3);
    const ints = { a: { values: Int32Array.from([1, 2, 3, 2, 2, 2]), shape: [2, 3], dtype: 'int32' as const }, b: { values: Int32Array.from([2, 3, 3]), shape: [3], dtype: 'int32' as const } };
    expect(await runOn('wasm', 'Equal', ints, {})).toEqual(await runOn('cpu', 'Equal', ints, {}));
    await expect(runOn('wasm', 'Equal', { a: randomInput([2, 3], 1), b: randomInput([2, 4], 2) }, {})).rejects.toThrow();
  });
});
