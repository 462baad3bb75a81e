import { describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../../model/load.js';
import { createSession } from '../../session.js';
import { randomInput, randomLenet5 } from '../../testing/random-model.js';
import { createCpuBackend } from '../index.js';
import { SharedBuffers } from './shared-buffers.js';
import { splitBatch } from './split-batch.js';

describe('splitBatch', () => {
  it('shares whole groups of 16 samples as evenly as possible and covers the batch once', () => {
    expect(splitBatch(1000, 2)).toEqual([{ start: 0, count: 512 }, { start: 512, count: 488 }]);
    expect(splitBatch(17, 2)).toEqual([{ start: 0, count: 16 }, { start: 16, count: 1 }]);
    expect(splitBatch(16, 2)).toEqual([{ start: 0, count: 16 }]);
    expect(splitBatch(100, 3)).toEqual([{ start: 0, count: 48 }, { start: 48, count: 32 }, { start: 80, count: 20 }]);
  });
});

describe('SharedBuffers', () => {
  it('hands the same shared memory to run after run, growing it, and fresh memory to a run that overlaps', () => {
    const buffers = new SharedBuffers();
    const a = buffers.acquire(100, 10);
    expect([a.x.length, a.y.length]).toEqual([100, 10]);
    expect(a.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    const overlapping = buffers.acquire(50, 5);
    expect(overlapping.x.buffer).not.toBe(a.x.buffer);
    overlapping.release();
    a.release();
    const b = buffers.acquire(60, 4);
    expect(b.x.buffer).toBe(a.x.buffer);
    expect(b.y.buffer).toBe(a.y.buffer);
    b.release();
    const c = buffers.acquire(200, 4);
    expect(c.x.buffer).not.toBe(a.x.buffer);
    expect(c.x.length).toBe(200);
    c.release();
  });
});

describe('createCpuBackend({ threads })', () => {
  it('rejects a bad thread count with INVALID_OPTION', () => {
    expect(() => createCpuBackend({ threads: 0 })).toThrow(/INVALID_OPTION/);
    expect(() => createCpuBackend({ threads: 1.5 })).toThrow(/INVALID_OPTION/);
    expect(() => createCpuBackend({ threadMinBatch: 1 })).toThrow(/INVALID_OPTION/);
    expect(() => createCpuBackend({ threadSplit: 'sometimes' as 'auto' })).toThrow(/INVALID_OPTION/);
  });

  it("with threadSplit 'auto', gives one thread's results whichever way each run goes (both are tried first)", async () => {
    const model = await loadCompressedModel(randomLenet5(6));
    const one = await createSession(model, { backend: createCpuBackend() });
    const auto = await createSession(model, { backend: createCpuBackend({ threads: 2 }) });
    const x = randomInput(30, 64 * model.inputSize);
    const expected = await one.predict(x, 64);
    // Runs 1-6 of a size class alternate local and split; the later ones take the faster.
    for (let run = 0; run < 8; run++) expect(await auto.predict(x, 64)).toEqual(expected);
    one.dispose();
    auto.dispose();
  });

  it('gives bit-identical results with 1, 2 and 3 threads, through shared memory and through copies', async () => {
    const model = await loadCompressedModel(randomLenet5(3));
    const x = randomInput(11, 100 * model.inputSize);
    const one = await createSession(model, { backend: createCpuBackend() });
    const expected = await one.predict(x, 100);
    one.dispose();
    for (const threads of [2, 3]) {
      const session = await createSession(model, { backend: createCpuBackend({ threads, threadSplit: 'always' }) });
      expect(await session.predict(x, 100)).toEqual(expected);
      // Without cross-origin isolation (browsers), inputs and outputs are copied instead of shared.
      const g = globalThis as { crossOriginIsolated?: boolean };
      g.crossOriginIsolated = false;
      try {
        expect(await session.predict(x, 100)).toEqual(expected);
      } finally {
        delete g.crossOriginIsolated;
      }
      session.dispose();
    }
  });

  it('keeps results apart across runs of other sizes and runs that overlap (shared memory reused between runs)', async () => {
    const model = await loadCompressedModel(randomLenet5(5));
    const one = await createSession(model, { backend: createCpuBackend() });
    const two = await createSession(model, { backend: createCpuBackend({ threads: 2, threadSplit: 'always' }) });
    const inputs = [100, 40, 70].map((n, i) => ({ n, x: randomInput(20 + i, n * model.inputSize) }));
    const expected = await Promise.all(inputs.map(({ n, x }) => one.predict(x, n)));
    for (const [i, { n, x }] of inputs.entries()) expect(await two.predict(x, n)).toEqual(expected[i]);
    expect(await Promise.all(inputs.map(({ n, x }) => two.predict(x, n)))).toEqual(expected);
    one.dispose();
    two.dispose();
  });

  it('stops its workers on dispose: a split batch then fails with BACKEND_UNAVAILABLE', async () => {
    const model = await loadCompressedModel(randomLenet5(4));
    const prepared = await createCpuBackend({ threads: 2, threadSplit: 'always' }).prepare(model);
    const x = randomInput(12, 64 * model.inputSize);
    expect((await prepared.run(x, 64)).length).toBe(64 * model.outputSize);
    prepared.dispose();
    await expect(prepared.run(x, 64)).rejects.toThrow(/BACKEND_UNAVAILABLE/);
  });
});
