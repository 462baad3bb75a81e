import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createMaskHooks } from './mask-hooks.js';

describe('createMaskHooks', () => {
  it('keeps pruned weights exactly +0 under Adam with random gradients, and leaks no tensors', async () => {
    await tf.setBackend('cpu');
    const n = 64;
    const mask = new Uint8Array(n).map((_, i) => (i % 3 === 0 ? 0 : 1));
    const init = new Float32Array(n).map((_, i) => (mask[i] ? Math.sin(i) : 0));
    const w = tf.variable(tf.tensor(init, [8, 8]), true, 'mask-hooks-test/kernel');
    const other = tf.variable(tf.ones([3]), true, 'mask-hooks-test/bias');
    const { hooks, dispose } = createMaskHooks(new Map([['mask-hooks-test/kernel', mask]]));
    const optimizer = tf.train.adam(0.1);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 20; step++) {
      const grads = { 'mask-hooks-test/kernel': tf.randomNormal([8, 8], 0, 1, 'float32', step), 'mask-hooks-test/bias': tf.randomNormal([3], 0, 1, 'float32', 100 + step) };
      const masked = hooks.transformGradients(grads, tf);
      const g = masked['mask-hooks-test/kernel'].dataSync();
      mask.forEach((m, i) => { if (!m) expect(Object.is(g[i], 0)).toBe(true); });
      expect(masked['mask-hooks-test/bias']).toBe(grads['mask-hooks-test/bias']); // unmasked keys pass through
      optimizer.applyGradients(Object.entries(masked).map(([name, tensor]) => ({ name, tensor })));
      hooks.constrainWeights({ 'mask-hooks-test/kernel': w, 'mask-hooks-test/bias': other }, tf);
      tf.dispose([...Object.values(grads), ...Object.values(masked)]);
    }
    const values = w.dataSync();
    let moved = 0;
    mask.forEach((m, i) => (m ? (moved += values[i] !== init[i] ? 1 : 0) : expect(Object.is(values[i], 0)).toBe(true)));
    expect(moved).toBeGreaterThan(n / 2);
    dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    w.dispose();
    other.dispose();
  });

  it('re-zeroes weights an optimizer moved (as -0 or otherwise) to +0', async () => {
    await tf.setBackend('cpu');
    const v = tf.variable(tf.tensor([-0.5, 0.25, -0.75, 1], [4]), true, 'rezero/kernel');
    const { hooks, dispose } = createMaskHooks(new Map([['rezero/kernel', new Uint8Array([0, 1, 0, 1])]]));
    hooks.constrainWeights({ 'rezero/kernel': v }, tf);
    const out = v.dataSync();
    expect(Object.is(out[0], 0) && Object.is(out[2], 0)).toBe(true);
    expect([out[1], out[3]]).toEqual([0.25, 1]);
    dispose();
    v.dispose();
  });
});
