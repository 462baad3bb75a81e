import { createRandom } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { initCentroids } from './init.js';
import { lloyd1d } from './lloyd-1d.js';
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
});
