/**
 * Optional handling of empty clusters (`emptyClusters: 'reseed'`): instead of dropping a centroid
 * that attracted no weight (what linear init does to the centroids in the gap of a pruned layer),
 * move it onto the weight that is farthest from its own centroid and run Lloyd again, as
 * scikit-learn does. The codebook then uses all of its `2 ** bits` entries where the data allows.
 */
import { midpoints, upperBound } from './lloyd-1d.js';

/**
 * For sorted `xs` and sorted `centroids`: `undefined` when no centroid is empty, else new sorted
 * centroids where each empty one is replaced by one of the worst-fitting data points (the ends of
 * the clusters, largest squared error first; never a value that is already a centroid).
 */
export function reseedEmpty(xs: Float64Array, centroids: Float64Array): Float64Array | undefined {
  const mids = midpoints(centroids);
  const kept: number[] = [];
  const candidates: { x: number; error: number }[] = [];
  let empty = 0;
  let start = 0;
  for (let j = 0; j < centroids.length; j++) {
    const end = j < mids.length ? upperBound(xs, mids[j]) : xs.length;
    if (end <= start) {
      empty++;
      continue;
    }
    const c = centroids[j];
    kept.push(c);
    for (const x of [xs[start], xs[end - 1]]) candidates.push({ x, error: (x - c) ** 2 });
    start = end;
  }
  if (empty === 0) return undefined;
  const taken = new Set(kept);
  candidates.sort((a, b) => b.error - a.error);
  for (const { x, error } of candidates) {
    if (empty === 0 || error === 0) break;
    if (taken.has(x)) continue;
    taken.add(x);
    empty--;
  }
  return Float64Array.from(taken).sort();
}
