import { createRandom } from '@dc/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initCentroids } from './init.js';
import { lloyd1d, prefixSums, upperBound, upperBoundNear } from './lloyd-1d.js';
import { mlKmeans1d } from './ml-kmeans-run.js';

function sse(xs: Float64Array, c: Float64Array): number {
  let s = 0;
  for (const x of xs) s += Math.min(...Array.from(c, (v) => (x - v) ** 2));
  return s;
}

describe('sorted 1-D Lloyd', () => {
  it('converges to the cluster means on a hand-computed example', () => {
    const xs = Float64Array.of(1, 2, 3, 10, 11, 12);
    const run = lloyd1d(xs, Float64Array.of(0, 5), 100);
    expect(Array.from(run.centroids)).toEqual([2, 11]);
    expect(run.converged).toBe(true);
  });

  it('leaves an empty cluster in place between its neighbours', () => {
    const run = lloyd1d(Float64Array.of(-3, -2, 2, 3), Float64Array.of(-3, 0, 3), 100);
    expect(Array.from(run.centroids)).toEqual([-2.5, 0, 2.5]);
  });

  it('reaches the same fixed point as ml-kmeans from the same initial centroids', () => {
    const r = createRandom(3);
    // A pruned-looking layer: two lobes away from zero.
    const values = Float64Array.from({ length: 4000 }, () => (r.next() < 0.5 ? -1 : 1) * (0.02 + r.next() * 0.08));
    const xs = Float64Array.from(values).sort();
    for (const method of ['linear', 'kmeans++'] as const) {
      const init = initCentroids(method, xs, 16, createRandom(9));
      const fast = lloyd1d(xs, init, 1000);
      const lib = mlKmeans1d(values, init, 1000);
      expect(fast.converged && lib.converged).toBe(true);
      for (let j = 0; j < init.length; j++) expect(fast.centroids[j]).toBeCloseTo(lib.centroids[j], 9);
      expect(sse(xs, fast.centroids)).toBeCloseTo(sse(xs, lib.centroids), 9);
      expect(sse(xs, fast.centroids)).toBeLessThan(sse(xs, init));
    }
  });

  it('finds each boundary near its last place exactly where a search of the whole array does (ties, ends, any hint)', () => {
    const sorted = fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 60 }).map((a) => Float64Array.from(a).sort());
    fc.assert(
      fc.property(sorted, fc.integer({ min: -22, max: 22 }).map((v) => v / 2), fc.nat(70), (xs, v, hint) => {
        expect(upperBoundNear(xs, v, Math.min(hint, xs.length))).toBe(upperBound(xs, v));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every iteration of the whole-array search: the same centroids and iteration counts', () => {
    // Each iteration's boundaries by binary search of the whole array, the algorithm as first written.
    const reference = (xs: Float64Array, init: Float64Array, maxIterations: number) => {
      const c = Float64Array.from(init);
      const sums = prefixSums(xs);
      let prev: number[] | undefined;
      let iterations = 0;
      while (iterations < maxIterations) {
        const ends = Array.from({ length: c.length }, (_, j) => (j < c.length - 1 ? upperBound(xs, (c[j] + c[j + 1]) / 2) : xs.length));
        if (prev && prev.every((e, j) => e === ends[j])) return { centroids: c, iterations, converged: true };
        iterations++;
        let start = 0;
        ends.forEach((end, j) => {
          if (end > start) c[j] = (sums[end] - sums[start]) / (end - start);
          start = end;
        });
        prev = ends;
      }
      return { centroids: c, iterations, converged: false };
    };
    const r = createRandom(5);
    for (const [n, k] of [[3000, 8], [3000, 256], [500, 64], [40, 16]] as const) {
      const xs = Float64Array.from({ length: n }, () => Math.round((r.next() - 0.5) * 2000) / 1000 ** (r.next() < 0.3 ? 2 : 1)).sort();
      for (const method of ['linear', 'kmeans++'] as const) {
        const init = initCentroids(method, xs, k, createRandom(2));
        for (const maxIterations of [3, 300]) {
          const got = lloyd1d(xs, init, maxIterations);
          const want = reference(xs, init, maxIterations);
          expect(got.iterations).toBe(want.iterations);
          expect(got.converged).toBe(want.converged);
          expect(got.centroids).toEqual(want.centroids);
        }
      }
    }
  });
});
