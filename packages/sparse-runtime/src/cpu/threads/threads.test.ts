import { describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../../model/load.js';
import { createSession } from '../../session.js';
import { randomInput, randomLenet5 } from '../../testing/random-model.js';
import { createCpuBackend } from '../index.js';
import { splitBatch } from './split-batch.js';

describe('splitBatch', () => {
  it('shares whole groups of 16 samples as evenly as possible and covers the batch once', () => {
    expect(splitBatch(1000, 2)).toEqual([{ start: 0, count: 512 }, { start: 512, count: 488 }]);
    expect(splitBatch(17, 2)).toEqual([{ start: 0, count: 16 }, { start: 16, count: 1 }]);
    expect(splitBatch(16, 2)).toEqual([{ start: 0, count: 16 }]);
    expect(splitBatch(100, 3)).toEqual([{ start: 0, count: 48 }, { start: 48, count: 32 }, { start: 80, count: 20 }]);
  });
});

describe('createCpuBackend({ threads })', () => {
  it('rejects a bad thread count with INVALID_OPTION', () => {
    expect(() => createCpuBackend({ threads: 0 })).toThrow(/INVALID_OPTION/);
    expect(() => createCpuBackend({ threads: 1.5 })).toThrow(/INVALID_OPTION/);
    expect(() => createCpuBackend({ threadMinBatch: 1 })).toThrow(/INVALID_OPTION/);
  });

  it('gives bit-identical results with 1, 2 and 3 threads, through shared memory and through copies', async () => {
    const model = await loadCompressedModel(randomLenet5(3));
    const x = randomInput(11, 100 * model.inputSize);
    const one = await createSession(model, { backend: createCpuBackend() });
    const expected = await one.predict(x, 100);
    one.dispose();
    for (const threads of [2, 3]) {
      const session = await createSession(model, { backend: createCpuBackend({ threads }) });
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

  it('stops its workers on dispose: a split batch then fails with BACKEND_UNAVAILABLE', async () => {
    const model = await loadCompressedModel(randomLenet5(4));
    const prepared = await createCpuBackend({ threads: 2 }).prepare(model);
    const x = randomInput(12, 64 * model.inputSize);
    expect((await prepared.run(x, 64)).length).toBe(64 * model.outputSize);
    prepared.dispose();
    await expect(prepared.run(x, 64)).rejects.toThrow(/BACKEND_UNAVAILABLE/);
  });
});
