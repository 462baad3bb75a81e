import { createRandom } from '@dc/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownError as thrown } from '@dc/core/testing';
import { clusterTensor, keptPositions, type ClusterTensorOptions } from './cluster-tensor.js';
import type { CentroidInit, ClusterAlgorithm } from './options.js';

function prunedLayer(n: number, keep: number, seed: number): { values: Float32Array; mask: Uint8Array } {
  const r = createRandom(seed);
  const values = new Float32Array(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const w = (r.next() * 2 - 1) * 0.1;
    if (r.next() < keep) {
      values[i] = w;
      mask[i] = 1;
    }
  }
  return { values, mask };
}

function distinctNonzero(v: Float32Array): number {
  return new Set(Array.from(v).filter((x) => x !== 0)).size;
}

const INITS: CentroidInit[] = ['linear', 'density', 'random', 'kmeans++'];
const ALGORITHMS: ClusterAlgorithm[] = ['lloyd-1d', 'ml-kmeans'];

describe('clusterTensor', () => {
  for (const algorithm of ALGORITHMS) {
    it.each(INITS)(`${algorithm}, %s init: ≤ 2^bits distinct nonzeros, zeros exact, sorted distinct centroids inside [min, max]`, (init) => {
      const { values, mask } = prunedLayer(3000, 0.1, 1);
      for (const bits of [1, 2, 4, 5]) {
        const opts: ClusterTensorOptions = { bits, init, algorithm, maxIterations: 300 };
        const r = clusterTensor(values, mask, opts, createRandom(2));
        const { centroids, positions, codes } = r.codebook;
        expect(distinctNonzero(r.values)).toBeLessThanOrEqual(2 ** bits);
        expect(centroids.length).toBeLessThanOrEqual(2 ** bits);
        for (let i = 1; i < centroids.length; i++) expect(centroids[i]).toBeGreaterThan(centroids[i - 1]);
        const kept = Array.from(positions, (p) => values[p]);
        expect(centroids[0]).toBeGreaterThanOrEqual(Math.min(...kept));
        expect(centroids[centroids.length - 1]).toBeLessThanOrEqual(Math.max(...kept));
        for (let i = 0; i < values.length; i++) if (mask[i] === 0) expect(r.values[i]).toBe(0);
        expect(positions).toEqual(keptPositions(values, mask));
        for (let i = 0; i < positions.length; i++) expect(r.values[positions[i]]).toBe(centroids[codes[i]]);
        // Every centroid is used.
        expect(new Set(codes).size).toBe(centroids.length);
      }
    });
  }

  it('fine codes: above 8 bits the codes are 16-bit, each 2 more bits cutting the squared error about 16-fold; 13 bits is INVALID_OPTION', () => {
    const values = Float32Array.from({ length: 20000 }, (_, i) => Math.sin((i + 1) * 12.9898) * 0.1);
    const run = (bits: number) => clusterTensor(values, undefined, { bits, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 50 }, createRandom(1));
    const [c8, c10, c12] = [run(8), run(10), run(12)];
    expect(c8.codebook.codes).toBeInstanceOf(Uint8Array);
    for (const [c, bits] of [[c10, 10], [c12, 12]] as const) {
      expect(c.codebook.codes).toBeInstanceOf(Uint16Array);
      expect(c.codebook.centroids.length).toBeLessThanOrEqual(2 ** bits);
      expect(c.codebook.centroids.length).toBeGreaterThan(2 ** (bits - 1));
      for (let i = 0; i < values.length; i++) expect(c.values[i]).toBe(c.codebook.centroids[c.codebook.codes[i]]);
    }
    expect(c10.sse).toBeLessThan(c8.sse / 10);
    expect(c12.sse).toBeLessThan(c10.sse / 10);
    expect(thrown(() => run(13)).code).toBe('INVALID_OPTION');
  });

  it('never clusters a pruned weight, even when the mask disagrees with the values', () => {
    const values = Float32Array.of(0.5, -0.4, 0.3, 9, 0.1);
    const mask = Uint8Array.of(1, 1, 1, 0, 1);
    const r = clusterTensor(values, mask, { bits: 1, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 100 }, createRandom(0));
    expect(Array.from(r.codebook.positions)).toEqual([0, 1, 2, 4]);
    expect(r.values[3]).toBe(0);
    expect(Array.from(r.codebook.centroids)).toEqual([Math.fround(-0.4), Math.fround((0.5 + 0.3 + 0.1) / 3)]);
  });

  it('treats exact zeros of an unpruned tensor as pruned: they stay zero and pull no centroid', () => {
    const values = Float32Array.of(0, 1, 0, 2, 0, 3, 0, 4);
    const r = clusterTensor(values, undefined, { bits: 1, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 100 }, createRandom(0));
    expect(Array.from(r.codebook.positions)).toEqual([1, 3, 5, 7]);
    expect(Array.from(r.codebook.centroids)).toEqual([1.5, 3.5]);
    expect(Array.from(r.values)).toEqual([0, 1.5, 0, 1.5, 0, 3.5, 0, 3.5]);
  });

  it('keeps the values as they are when there are no more distinct values than 2^bits', () => {
    const values = Float32Array.of(0.25, -0.5, 0.25, 0.75);
    const r = clusterTensor(values, undefined, { bits: 3, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 100 }, createRandom(0));
    expect(Array.from(r.values)).toEqual(Array.from(values));
    expect(r.sse).toBe(0);
  });

  it('handles a fully pruned tensor', () => {
    const r = clusterTensor(new Float32Array(6), undefined, { bits: 4, init: 'kmeans++', algorithm: 'lloyd-1d', maxIterations: 10 }, createRandom(0));
    expect(r.codebook.centroids.length).toBe(0);
    expect(r.codebook.positions.length).toBe(0);
    expect(Array.from(r.values)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('is deterministic under a seed for every init and algorithm (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INITS), fc.constantFrom(...ALGORITHMS), fc.constantFrom('drop' as const, 'reseed' as const), fc.integer({ min: 1, max: 6 }), fc.integer(), (init, algorithm, emptyClusters, bits, seed) => {
        const { values, mask } = prunedLayer(400, 0.3, seed);
        const opts = { bits, init, algorithm, maxIterations: 200, emptyClusters };
        const a = clusterTensor(values, mask, opts, createRandom(seed));
        const b = clusterTensor(values, mask, opts, createRandom(seed));
        expect(b.codebook).toEqual(a.codebook);
        expect(b.values).toEqual(a.values);
      }),
      { numRuns: 40 },
    );
  });

  it('the 1-D path and ml-kmeans agree from the same initial centroids', () => {
    const { values, mask } = prunedLayer(5000, 0.2, 4);
    const base = { bits: 5, init: 'linear' as const, maxIterations: 1000 };
    const a = clusterTensor(values, mask, { ...base, algorithm: 'lloyd-1d' }, createRandom(0));
    const b = clusterTensor(values, mask, { ...base, algorithm: 'ml-kmeans' }, createRandom(0));
    expect(b.codebook.centroids.length).toBe(a.codebook.centroids.length);
    expect(Math.abs(b.sse - a.sse) / a.sse).toBeLessThan(1e-6);
  });
});

describe('emptyClusters', () => {
  it("'reseed' fills the codebook that linear init on a pruned layer leaves half empty, with lower error", () => {
    const { values, mask } = prunedLayer(20000, 0.08, 7);
    // Keep only large magnitudes, so there is a wide gap around zero.
    const m = mask.map((k, i) => (k && Math.abs(values[i]) > 0.06 ? 1 : 0));
    for (const algorithm of ALGORITHMS) {
      const base = { bits: 4, init: 'linear' as const, algorithm, maxIterations: 1000 };
      const dropped = clusterTensor(values, m, base, createRandom(0));
      const reseeded = clusterTensor(values, m, { ...base, emptyClusters: 'reseed' }, createRandom(0));
      expect(dropped.codebook.centroids.length).toBeLessThan(16);
      expect(reseeded.codebook.centroids.length).toBe(16);
      expect(reseeded.sse).toBeLessThan(dropped.sse);
      const c = reseeded.codebook.centroids;
      for (let i = 1; i < c.length; i++) expect(c[i]).toBeGreaterThan(c[i - 1]);
    }
  });
});
