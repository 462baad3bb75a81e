import { describe, expect, it } from 'vitest';
import { describeConformance } from '../testing/conformance.js';
import { createCpuBackend } from './index.js';

describeConformance({ backendName: 'cpu', createBackend: () => createCpuBackend() });
describeConformance({ backendName: 'cpu', createBackend: () => ({ ...createCpuBackend({ batchKernel: 'tiled' }), name: 'cpu (tiled)' }), count: 4 });

describe('createCpuBackend', () => {
  it('rejects an unknown batch kernel with INVALID_OPTION', () => {
    expect(() => createCpuBackend({ batchKernel: 'gpu' as never })).toThrow(/INVALID_OPTION/);
  });
});
