import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromColumnOrder, matrixDims, permute, toColumnOrder } from './order.js';

describe('column order', () => {
  it('maps row-major positions to column-order indices and back', () => {
    // 3 x 4 matrix, entries at (0,1) (1,0) (1,3) (2,1): row-major 1, 4, 7, 9.
    const positions = Uint32Array.of(1, 4, 7, 9);
    const { indices, perm } = toColumnOrder(positions, [3, 4]);
    expect([...indices]).toEqual([1, 3, 5, 10]); // (1,0) (0,1) (2,1) (1,3)
    expect([...perm]).toEqual([1, 0, 3, 2]);
    const back = fromColumnOrder(indices, [3, 4]);
    expect([...back.positions]).toEqual([1, 4, 7, 9]);
    expect([...permute(Float32Array.of(10, 11, 12, 13), back.perm)]).toEqual([11, 10, 13, 12]);
    expect(matrixDims([2, 3, 5])).toEqual([6, 5]);
    expect(matrixDims([0, 5])).toEqual([0, 5]);
  });

  it('round-trips random sparse matrices, including the sort fallback for huge nearly empty ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.uniqueArray(fc.nat(1599)), (r, c, raw) => {
        const positions = Uint32Array.from(raw.filter((p) => p < r * c).sort((a, b) => a - b));
        const values = Float32Array.from(positions, (p) => p / 7);
        const col = toColumnOrder(positions, [r, c]);
        expect([...col.indices]).toEqual([...col.indices].sort((a, b) => a - b));
        const back = fromColumnOrder(col.indices, [r, c]);
        expect([...back.positions]).toEqual([...positions]);
        expect([...permute(permute(values, col.perm), back.perm)]).toEqual([...values]);
      }),
    );
    const huge = [1_000_000, 3];
    const positions = Uint32Array.of(5, 2_000_000, 2_999_999);
    const col = toColumnOrder(positions, huge);
    expect([...fromColumnOrder(col.indices, huge).positions]).toEqual([...positions]);
  });
});
