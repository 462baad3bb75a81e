import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { describeConformance } from '../testing/conformance.js';
import { loadCompressedModel } from '../model/load.js';
import { createSession } from '../session.js';
import { randomInput, randomMlp } from '../testing/random-model.js';
import { maxRelativeError, referencePredict } from '../testing/reference.js';
import { createTfjsBackend, importTfjs } from './index.js';

describeConformance({ backendName: 'tfjs-wasm', createBackend: () => createTfjsBackend({ tf, tfBackend: 'wasm' }) });

describe('createTfjsBackend', () => {
  // Not the conformance suite: tfjs-cpu's UnsortedSegmentSum loops over every segment for every
  // element, so the sparse mode is checked on small models only.
  it('sparse mode (gather + unsortedSegmentSum) matches the dense reconstruction on tfjs-cpu', async () => {
    const backend = await createTfjsBackend({ tf, tfBackend: 'cpu', denseMode: 'sparse' });
    expect(backend.name).toBe('tfjs-cpu-sparse');
    for (const cm of [randomMlp({ seed: 8, sizes: [50, 40, 30, 20, 10], density: 0.5, bits: 12, layout: ['sparse-coded', 'dense-coded', 'sparse', 'dense'] }), randomMlp({ seed: 9, sizes: [30, 7], density: 0.2, bits: 3 })]) {
      const session = await createSession(await loadCompressedModel(cm), { backend });
      for (const batch of [1, 4, 13]) {
        const x = randomInput(batch, batch * cm.inputShape[0]);
        expect(maxRelativeError(await session.predict(x, batch), await referencePredict(tf, cm, x, batch), batch)).toBeLessThanOrEqual(1e-5);
      }
      session.dispose();
    }
  });

  it('names the active tfjs backend', async () => {
    const b = await createTfjsBackend({ tf, tfBackend: 'cpu' });
    expect(b.name).toBe('tfjs-cpu');
    expect(b.tfPackage).toBe('(given)');
  });

  it('refuses the sparse mode on tfjs-wasm, which lacks UnsortedSegmentSum, with BACKEND_UNAVAILABLE', async () => {
    await expect(createTfjsBackend({ tf, tfBackend: 'wasm', denseMode: 'sparse' })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });

  it('reports an unknown tfjs backend as BACKEND_UNAVAILABLE with a hint', async () => {
    const err = await createTfjsBackend({ tf, tfBackend: 'no-such-backend' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect((err as { hint: string }).hint).toMatch(/no-such-backend/);
  });

  it('loads tfjs by itself, reporting the native packages it skipped when they cannot load here', async () => {
    const b = await createTfjsBackend();
    expect(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs']).toContain(b.tfPackage);
    if (b.tfPackage === '@tensorflow/tfjs') expect(b.skipped.map((s) => s.name)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });

  it('says which packages to install when no tfjs package can be imported (BACKEND_UNAVAILABLE)', async () => {
    const err = await importTfjs(['@tensorflow/tfjs-node-gpu-missing']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect((err as { hint: string }).hint).toMatch(/npm|install/i);
    expect((err as Error).message).toMatch(/tfjs-node-gpu-missing/);
  });
});
