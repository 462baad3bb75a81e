import { createRandom } from '@dc/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initCentroids } from './init.js';
import type { CentroidInit } from './options.js';

const METHODS: CentroidInit[] = ['linear', 'density', 'random', 'kmeans++'];

function expectSortedDistinctInside(c: Float64Array, xs: Float64Array, k: number): void {
  expect(c.length).toBeGreaterThan(0);
  expect(c.length).toBeLessThanOrEqual(k);
  for (let i = 1; i < c.length; i++) expect(c[i]).toBeGreaterThan(c[i - 1]);
  expect(c[0]).toBeGreaterThanOrEqual(xs[0]);
  expect(c[c.length - 1]).toBeLessThanOrEqual(xs[xs.length - 1]);
}

describe('centroid initialisation', () => {
  it.each(METHODS)('%s gives sorted, distinct centroids inside [min, max] (property)', (method) => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 256 }),
        fc.integer(),
        (values, k, seed) => {
          const xs = Float64Array.from(values, Math.fround).sort();
          expectSortedDistinctInside(initCentroids(method, xs, k, createRandom(seed)), xs, k);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('linear spaces k centroids evenly from min to max', () => {
    const xs = Float64Array.of(-1, -0.5, 0.2, 3);
    expect(Array.from(initCentroids('linear', xs, 5, createRandom(0)))).toEqual([-1, 0, 1, 2, 3]);
  });

  it('density takes the quantiles at (i + 0.5) / k', () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i);
    expect(Array.from(initCentroids('density', xs, 4, createRandom(0)))).toEqual([12, 37, 62, 87]);
  });

  it.each(['random', 'kmeans++'] as const)('%s draws data points, the same ones for the same seed', (method) => {
    const xs = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i) * 0.1).sort();
    const a = initCentroids(method, xs, 16, createRandom(5));
    expect(initCentroids(method, xs, 16, createRandom(5))).toEqual(a);
    expect(initCentroids(method, xs, 16, createRandom(6))).not.toEqual(a);
    const set = new Set(xs);
    expect(a.length).toBe(16);
    for (const c of a) expect(set.has(c)).toBe(true);
  });

  it('kmeans++ gives k centroids when the data has exactly k distinct values', () => {
    const xs = Float64Array.from({ length: 90 }, (_, i) => i % 3).sort();
    expect(Array.from(initCentroids('kmeans++', xs, 3, createRandom(1)))).toEqual([0, 1, 2]);
  });
});
