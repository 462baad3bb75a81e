import { describe, expect, it } from 'vitest';
import { describeConformance } from '../testing/conformance.js';
import { createCpuBackend } from './index.js';
import { sparseConvModule, spmmModule } from './wasm/wasm-modules.js';

describeConformance({ backendName: 'cpu', createBackend: () => createCpuBackend() });
describeConformance({ backendName: 'cpu', createBackend: () => ({ ...createCpuBackend({ batchKernel: 'tiled' }), name: 'cpu (tiled)' }), count: 4, graphs: 4 });
describeConformance({ backendName: 'cpu', createBackend: () => ({ ...createCpuBackend({ batchKernel: 'per-sample' }), name: 'cpu (per-sample)' }), count: 6, graphs: 4 });
// Two threads, splitting every batch of 2 samples or more between the calling thread and a worker.
// Fewer random cases: each session starts a worker (about 0.3 s idle, seconds on a loaded machine).
describeConformance({ backendName: 'cpu (2 threads)', createBackend: () => ({ ...createCpuBackend({ threads: 2, threadMinBatch: 2 }), name: 'cpu (2 threads)' }), count: 2, graphs: 4 });

describe('createCpuBackend', () => {
  it('rejects an unknown batch kernel with INVALID_OPTION', () => {
    expect(() => createCpuBackend({ batchKernel: 'gpu' as never })).toThrow(/INVALID_OPTION/);
  });

  it('compiles the WASM SIMD kernels on Node 20', () => {
    expect(spmmModule()).toBeInstanceOf(WebAssembly.Module);
    expect(sparseConvModule()).toBeInstanceOf(WebAssembly.Module);
  });
});
