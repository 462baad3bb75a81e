import { compressTensor, entropyBits, tensorCandidates } from '@dc/allocate';
import { createRandom } from '@dc/core';
import { applyMask, pruneToSparsity } from '@dc/prune';
import { clusterTensor } from '@dc/quantize';
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

  it('answers calls on one tensor in any order exactly as a fresh one does, and as the pipeline prunes and clusters, whatever a caller did with earlier answers', () => {
    // The pipeline's pruning and clustering from scratch (pruneLowMagnitude's mask, clusterWeights' options).
    const pipeline = (sparsity: number, bits: number | null) => {
      const mask = sparsity > 0 ? pruneToSparsity({ values }, sparsity).mask : undefined;
      const pruned = mask ? applyMask(values, mask) : new Float32Array(values);
      const kept = pruned.filter((v) => v !== 0).length;
      if (bits === null) return { values: pruned, kept, codeBits: 16, centroids: 0 };
      const c = clusterTensor(pruned, mask, { bits, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 300, emptyClusters: 'drop' }, createRandom(1));
      return { values: c.values, kept, codeBits: entropyBits(c.codebook.codes, c.codebook.centroids.length), centroids: c.codebook.centroids.length, centroidBytes: 2 };
    };
    const asked: [number, number | null][] = [[0, 5], [0.5, 3], [0.5, null], [0, 4], [0.5, 6], [0, null], [0.7, 2]];
    const shared = layersCompressTensor(true);
    for (const [sparsity, bits] of asked) {
      const got = shared(values, sparsity, bits);
      expect(got).toEqual(layersCompressTensor(true)(values, sparsity, bits));
      expect(got).toEqual(pipeline(sparsity, bits));
      got.values.fill(7);
    }
  });
});
