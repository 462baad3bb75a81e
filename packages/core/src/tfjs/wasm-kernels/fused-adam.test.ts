import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdamOptimizer } from './fused-adam.js';
import { registerWasmTrainingKernels, type WasmTrainingKernels } from './register.js';
import { randomInput, relativeError, tf } from './test-utils.js';

describe('createAdamOptimizer (fused Adam on wasm)', () => {
  let kernels: WasmTrainingKernels;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    kernels = registerWasmTrainingKernels(tf);
  });
  afterAll(() => kernels.restore());

  it('takes the same 5 steps as tf.train.adam (relative error ≤ 1e-5 on values; moments kept per variable)', () => {
    const shapes = [[784, 300], [300], [5, 5, 1, 20]];
    const init = shapes.map((s, i) => randomInput(s, 10 + i));
    const run = (fused: boolean) => {
      const vars = tf.tidy(() => init.map((x, i) => tf.variable(tf.tensor(x.values, x.shape), true, `adam-test-${fused}-${i}`)));
      const opt = fused ? createAdamOptimizer(tf, 0.01) : tf.train.adam(0.01);
      for (let step = 0; step < 5; step++) {
        const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(randomInput(shapes[i], 100 * step + i).values, shapes[i])]));
        opt.applyGradients(grads);
        tf.dispose(Object.values(grads));
      }
      const out = vars.map((v) => v.dataSync().slice());
      opt.dispose();
      tf.dispose(vars);
      return { out, className: (opt.constructor as unknown as { className: string }).className };
    };
    const before = tf.memory().numTensors;
    const fused = run(true);
    const stock = run(false);
    expect(fused.className).toBe('DcFusedAdam');
    for (let i = 0; i < shapes.length; i++) expect(relativeError(fused.out[i], stock.out[i])).toBeLessThanOrEqual(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("is tf.train.adam where the backend lacks the fused kernel (cpu)", async () => {
    await tf.setBackend('cpu');
    try {
      expect(createAdamOptimizer(tf, 0.01)).toBeInstanceOf(tf.AdamOptimizer);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
