import { isDcError } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { createWebGpuBackend } from './index.js';

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('createWebGpuBackend feature detection', () => {
  it('fails with BACKEND_UNAVAILABLE and a hint when there is no navigator.gpu', async () => {
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    const e = await failure(createWebGpuBackend());
    expect(isDcError(e) && e.code).toBe('BACKEND_UNAVAILABLE');
    expect((e as Error).message).toMatch(/navigator\.gpu/);
    expect(isDcError(e) && e.hint).toMatch(/createCpuBackend/);
  });

  it('fails with BACKEND_UNAVAILABLE naming the flag when the GPU has no adapter', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    const e = await failure(createWebGpuBackend({ gpu }));
    expect(isDcError(e) && e.code).toBe('BACKEND_UNAVAILABLE');
    expect(isDcError(e) && e.hint).toMatch(/--enable-unsafe-webgpu/);
  });

  it('wraps a failing requestDevice as BACKEND_UNAVAILABLE with the cause', async () => {
    const cause = new Error('out of devices');
    const adapter = { limits: { maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28 }, info: {}, requestDevice: async () => { throw cause; } };
    const gpu = { requestAdapter: async () => adapter } as unknown as GPU;
    const e = await failure(createWebGpuBackend({ gpu }));
    expect(isDcError(e) && e.code).toBe('BACKEND_UNAVAILABLE');
    expect((e as Error).cause).toBe(cause);
  });

  it('uses a caller-provided device without asking for an adapter, and never destroys it', async () => {
    let destroyed = false;
    const device = { destroy: () => { destroyed = true; } } as unknown as GPUDevice;
    const backend = await createWebGpuBackend({ device });
    expect(backend.name).toBe('webgpu');
    expect(backend.device).toBe(device);
    backend.dispose();
    expect(destroyed).toBe(false);
  });
});
