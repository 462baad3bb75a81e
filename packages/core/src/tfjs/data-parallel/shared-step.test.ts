/** The handshake of data-parallel training: waiting for a slot of the shared control block. */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { DONE, controlBlock, waitForValue } from './shared-step.js';

describe('waitForValue', () => {
  it('returns at once when the slot already holds the value', () => {
    const control = new Int32Array(controlBlock());
    Atomics.store(control, DONE, 7);
    expect(waitForValue(control, DONE, 7)).toBe(true);
    expect(Atomics.load(control, DONE)).toBe(7);
  });

  it('gives up after its timeout when no thread stores the value', () => {
    const control = new Int32Array(controlBlock());
    const t0 = performance.now();
    expect(waitForValue(control, DONE, 1, 50)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(49);
  });

  it('returns once another thread stores the value, through intermediate values', async () => {
    const buffer = controlBlock();
    const control = new Int32Array(buffer);
    // The other thread counts DONE up to 3 (notifying each time), 20 ms apart.
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const c = new Int32Array(workerData);
       for (let v = 1; v <= 3; v++) { Atomics.wait(c, 5, 0, 20); Atomics.store(c, ${DONE}, v); Atomics.notify(c, ${DONE}); }`,
      { eval: true, workerData: buffer },
    );
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const t0 = performance.now();
    expect(waitForValue(control, DONE, 3)).toBe(true);
    expect(Atomics.load(control, DONE)).toBe(3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40);
    await exited;
  });
});
