import { compressTensor, tensorCandidates } from '@dc/allocate';
import { describe, expect, it } from 'vitest';
import { layersCompressTensor } from './layers-compress-tensor.js';

describe('layersCompressTensor', () => {
  const values = Float32Array.from({ length: 2000 }, (_, i) => Math.sin((i + 1) * 12.9898) * 0.3);
  const grid = { sparsities: [0], bits: [5], probeSparsity: 0.5 };

  it('prices a float16 file: kept floats and codebook entries in 2 bytes', () => {
    const c = layersCompressTensor(true)(values, 0, 5);
    expect(c.centroidBytes).toBe(2);
    expect(layersCompressTensor(true)(values, 0.5, null)).toMatchObject({ kept: 1000, codeBits: 16 });
    const [exact, coded] = tensorCandidates(values, grid, layersCompressTensor(true));
    expect(exact.bytes).toBe(2 * 2000);
    expect(coded.bytes).toBeCloseTo((2000 * c.codeBits) / 8 + 2 * c.centroids, 9);
  });

  it('prices a --float32 file at 4 bytes, as compressTensor does, clustering the same weights', () => {
    const c = layersCompressTensor(false)(values, 0, 5);
    expect(c.centroidBytes).toBe(4);
    const [exact, coded] = tensorCandidates(values, grid, layersCompressTensor(false));
    expect(exact.bytes).toBe(4 * 2000);
    expect(coded.bytes).toBeCloseTo((2000 * c.codeBits) / 8 + 4 * c.centroids, 9);
    // Both widths cluster alike: only the price differs.
    expect(layersCompressTensor(true)(values, 0, 5).values).toEqual(c.values);
    expect(tensorCandidates(values, grid, compressTensor)[0].bytes).toBe(exact.bytes);
  });

  it('answers calls on one tensor in any order exactly as a fresh one does, whatever a caller did with earlier answers', () => {
    const asked: [number, number | null][] = [[0, 5], [0.5, 3], [0.5, null], [0, 4], [0.5, 6], [0, null], [0.7, 2]];
    const shared = layersCompressTensor(true);
    for (const [sparsity, bits] of asked) {
      const got = shared(values, sparsity, bits);
      expect(got).toEqual(layersCompressTensor(true)(values, sparsity, bits));
      got.values.fill(7);
    }
  });
});
