import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, type WasmTrainingKernels } from './register.js';
import { compareWithCpu, randomInput, runOn, tf } from './test-utils.js';

let kernels: WasmTrainingKernels;
beforeAll(async () => {
  await tf.setBackend('wasm');
  kernels = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
});
afterAll(() => kernels.restore());

describe('the wasm Tile replacement equals the cpu backend exactly', () => {
  it('on random ranks 1-5, shapes and repetitions (including 0 and 1)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 4 }), rep: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 1e6 }),
        async (axes, seed) => {
          const shape = axes.map((a) => a.size);
          const r = await compareWithCpu('Tile', { x: randomInput(shape, seed) }, { reps: axes.map((a) => a.rep) });
          expect(r.wasmShape).toEqual(r.cpuShape);
          expect(r.error).toBe(0);
        },
      ),
      { numRuns: 60, seed: 48 },
    );
  });

  it("BatchNorm's case ([1, 1, 1, C] to [N, H, W, C]), int32 and bool", async () => {
    const bn = await compareWithCpu('Tile', { x: randomInput([1, 1, 1, 16], 1) }, { reps: [8, 7, 7, 1] });
    expect(bn.wasmShape).toEqual([8, 7, 7, 16]);
    expect(bn.error).toBe(0);
    const ints = { values: Int32Array.from([1, -2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'int32' as const };
    const wasm = await runOn('wasm', 'Tile', { x: ints }, { reps: [2, 2] });
    const cpu = await runOn('cpu', 'Tile', { x: ints }, { reps: [2, 2] });
    expect(wasm).toEqual(cpu);
    await tf.setBackend('wasm');
    const bools = tf.tile(tf.tensor1d([1, 0, 1], 'bool'), [2]);
    expect(Array.from(bools.dataSync())).toEqual([1, 0, 1, 1, 0, 1]);
    bools.dispose();
  });
});
