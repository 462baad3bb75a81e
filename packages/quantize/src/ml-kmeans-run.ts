/**
 * The general-purpose path: Lloyd iterations by `ml-kmeans` on `[[x], ...]` points, from the same
 * initial centroids as the 1-D path (so both are deterministic under `ctx.random` and comparable).
 * ml-kmeans stops when every centroid moved by less than `tolerance` in squared distance; its
 * default (1e-6) stops far too early on weights of scale 0.05, so the tolerance here is relative
 * to the data's range: (1e-9 · range)², which is convergence in float32 terms.
 */
import { kmeans } from 'ml-kmeans';
import type { KMeansRun } from './lloyd-1d.js';

/** k-means on 1-D `xs` (any order) by ml-kmeans, starting from sorted centroids `init`. */
export function mlKmeans1d(xs: Float64Array, init: Float64Array, maxIterations: number): KMeansRun {
  let lo = Infinity;
  let hi = -Infinity;
  const points: number[][] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    points[i] = [x];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const tolerance = ((hi - lo) * 1e-9) ** 2;
  const result = kmeans(points, init.length, {
    initialization: Array.from(init, (c) => [c]),
    maxIterations,
    tolerance,
  });
  return {
    centroids: Float64Array.from(result.centroids, (c) => c[0]).sort(),
    iterations: result.iterations,
    converged: result.converged,
  };
}
