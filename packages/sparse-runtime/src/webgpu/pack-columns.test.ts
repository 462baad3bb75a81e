import type { CompressedTensor } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { bitsFor, packColumns } from './pack-columns.js';

// A 3×2 kernel [in=3, out=2] with kept weights at flat positions 0 (r0,c0), 3 (r1,c1), 4 (r2,c0), 5 (r2,c1).
const coded: CompressedTensor = {
  layout: 'sparse-coded',
  shape: [3, 2],
  positions: Uint32Array.from([0, 3, 4, 5]),
  codebook: Float32Array.from([-0.5, 0.25, 1, 2, 3]),
  codes: Uint8Array.from([4, 1, 0, 2]),
};

describe('packColumns', () => {
  it('groups kept weights by output column and packs row << codeBits | code', () => {
    const p = packColumns(coded, 'k');
    expect(p.codeBits).toBe(3); // 5 codebook entries need 3 bits
    expect([...p.offsets]).toEqual([0, 2, 4]);
    // column 0: (row 0, code 4), (row 2, code 0); column 1: (row 1, code 1), (row 2, code 2)
    expect([...p.entries]).toEqual([(0 << 3) | 4, (2 << 3) | 0, (1 << 3) | 1, (2 << 3) | 2]);
    expect(p.table).toBe(coded.codebook);
    expect(p.nnz).toBe(4);
  });

  it('keeps the float values of an uncoded sparse tensor as the table, codes counting up', () => {
    const p = packColumns({ layout: 'sparse', shape: [2, 2], positions: Uint32Array.from([1, 2]), values: Float32Array.from([7, -3]) }, 'k');
    expect([...p.offsets]).toEqual([0, 1, 2]);
    expect([...p.entries]).toEqual([(1 << 1) | 1, (0 << 1) | 0]);
    expect([...p.table]).toEqual([7, -3]);
  });

  it('switches to two words per weight when row and code need more than 32 bits', () => {
    const rows = 2 ** 17;
    const codes = new Uint16Array(2).fill(65535);
    const codebook = new Float32Array(65536).map((_, i) => i);
    const p = packColumns({ layout: 'sparse-coded', shape: [rows, 1], positions: Uint32Array.from([5, rows - 1]), codebook, codes }, 'k');
    expect(p.codeBits).toBe(0);
    expect([...p.entries]).toEqual([5, 65535, rows - 1, 65535]);
  });

  it('packs dense-coded kernels, dropping weights whose centroid is exactly 0', () => {
    const p = packColumns({ layout: 'dense-coded', shape: [2, 2], codebook: Float32Array.from([0, 1.5]), codes: Uint8Array.from([1, 0, 0, 1]) }, 'k');
    expect(p.nnz).toBe(2);
    expect([...p.offsets]).toEqual([0, 1, 2]);
  });

  it('rejects a code outside the codebook with INVALID_MODEL naming the tensor', () => {
    const bad = { ...coded, codes: Uint8Array.from([9, 1, 0, 2]) } as CompressedTensor;
    expect(() => packColumns(bad, 'dense_1/kernel')).toThrow(/INVALID_MODEL.*dense_1\/kernel/);
  });

  it('bitsFor counts the bits of the largest index', () => {
    expect([1, 2, 3, 4, 5, 32, 33, 256, 257].map(bitsFor)).toEqual([1, 1, 2, 2, 3, 5, 6, 8, 9]);
  });
});
