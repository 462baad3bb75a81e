import { DcError } from '@dc/core';
import { describe, expect, it } from 'vitest';
import type { RuntimeBackend } from './backend.js';
import { chooseBackend } from './choose-backend.js';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';
import { randomMlp } from './testing/random-model.js';

const cm = randomMlp({ seed: 4, sizes: [12, 6, 3], density: 0.5, bits: 3 });

describe('createSession', () => {
  it('validates the batch and refuses predict after dispose', async () => {
    const s = await createSession(await loadCompressedModel(cm), { backend: createCpuBackend() });
    expect(s.backend).toBe('cpu');
    expect(s.outputShape).toEqual([3]);
    await expect(s.predict(new Float32Array(11), 1)).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'batch' });
    await expect(s.predict(new Float32Array(12), 0)).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'batchSize' });
    const y = await s.predict(new Float32Array(24).fill(1), 2);
    expect(y.length).toBe(6);
    expect(y[0] + y[1] + y[2]).toBeCloseTo(1, 5); // softmax output
    s.dispose();
    await expect(s.predict(new Float32Array(12), 1)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('requires an explicit backend object', async () => {
    await expect(createSession(await loadCompressedModel(cm), {} as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'backend' });
  });
});

describe('chooseBackend', () => {
  const failing = (name: string): { name: string; create: () => RuntimeBackend } => ({
    name,
    create: () => {
      throw new DcError('BACKEND_UNAVAILABLE', `${name} is not installed`);
    },
  });

  it('returns the first backend that can be created and reports every failure it skipped', async () => {
    const { backend, skipped } = await chooseBackend([failing('webgpu'), failing('tfjs'), createCpuBackend]);
    expect(backend.name).toBe('cpu');
    expect(skipped.map((s) => [s.name, s.code])).toEqual([['webgpu', 'BACKEND_UNAVAILABLE'], ['tfjs', 'BACKEND_UNAVAILABLE']]);
  });

  it('throws BACKEND_UNAVAILABLE listing all failures when none works', async () => {
    await expect(chooseBackend([failing('a'), failing('b')])).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/a: .*b: /) });
  });
});
