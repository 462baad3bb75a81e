import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { describeConformance } from '../testing/conformance.js';
import { createTfjsBackend, importTfjs } from './index.js';

describeConformance({ backendName: 'tfjs-wasm', createBackend: () => createTfjsBackend({ tf, tfBackend: 'wasm' }) });

describe('createTfjsBackend', () => {
  it('refuses the removed denseMode option with INVALID_OPTION', async () => {
    const err = await createTfjsBackend({ tf, tfBackend: 'cpu', denseMode: 'sparse' } as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('names the active tfjs backend', async () => {
    const b = await createTfjsBackend({ tf, tfBackend: 'cpu' });
    expect(b.name).toBe('tfjs-cpu');
    expect(b.tfPackage).toBe('(given)');
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
