import { describe, expect, it } from 'vitest';
import { thrownError } from '@dc/core/testing';
import { checkAllocation, uniformAllocation } from './allocation.js';
import type { GraphModelSourceTensor } from './source.js';

const tensor = (name: string, values: Float32Array | Int32Array, dtype: 'float32' | 'int32' = 'float32'): GraphModelSourceTensor => ({ name, shape: [values.length], dtype, values });

describe('allocations', () => {
  const tensors = [
    tensor('big', new Float32Array(300).fill(0.5)),
    tensor('small', new Float32Array(255).fill(0.5)),
    tensor('shape', new Int32Array(300), 'int32'),
    tensor('threshold', Float32Array.from({ length: 300 }, (_, i) => (i === 7 ? -Infinity : 1))),
  ];

  it('uniformAllocation compresses finite float32 weights of at least 256 elements, nothing else', () => {
    expect(uniformAllocation(tensors)).toEqual({ big: { sparsity: 0.5, bits: 6 } });
    expect(uniformAllocation(tensors, { sparsity: 0.2, bits: null, minElements: 100 })).toEqual({ big: { sparsity: 0.2, bits: null }, small: { sparsity: 0.2, bits: null } });
  });

  it('refuses int32 weights, constants with infinities and out-of-range settings: INVALID_OPTION naming the weight', () => {
    for (const [name, a] of [['shape', { sparsity: 0.5, bits: 4 }], ['threshold', { sparsity: 0, bits: 4 }], ['big', { sparsity: 0.5, bits: 13 }], ['big', { sparsity: -0.1, bits: null }]] as const) {
      const e = thrownError(() => checkAllocation({ [name]: a }, tensors));
      expect([e.code, e.tensor]).toEqual(['INVALID_OPTION', name]);
    }
    // Fine codes up to 12 bits (a codebook of 4,096 entries) are allowed.
    expect(() => checkAllocation({ big: { sparsity: 0, bits: 12, channels: 300 } }, tensors)).not.toThrow();
  });
});
