/**
 * Centroid initialisation on sorted 1-D data (paper §3.2, figure 4). Every method returns sorted,
 * distinct centroids inside [min, max] of the data; at most `k` of them (fewer only when the
 * data has fewer distinct values).
 */
import type { RandomSource } from '@dc/core';
import type { CentroidInit } from './options.js';

/** Sorted distinct values of `centres` (exact duplicates removed). */
function uniqueSorted(centres: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(centres).sort();
  let m = 0;
  for (let i = 0; i < sorted.length; i++) if (m === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i];
  return sorted.slice(0, m);
}

/** Evenly spaced between min and max (k = 1: the midpoint). The paper's best method. */
export function linearInit(xs: Float64Array, k: number): Float64Array {
  const lo = xs[0];
  const hi = xs[xs.length - 1];
  if (k === 1 || lo === hi) return Float64Array.of(k === 1 ? (lo + hi) / 2 : lo);
  // Clamped: rounding can push lo + (hi - lo) · i / (k - 1) just past hi.
  return uniqueSorted(Array.from({ length: k }, (_, i) => Math.min(hi, Math.max(lo, lo + ((hi - lo) * i) / (k - 1)))));
}

/** Evenly spaced on the empirical CDF: the quantiles at (i + 0.5) / k. */
export function densityInit(xs: Float64Array, k: number): Float64Array {
  const n = xs.length;
  return uniqueSorted(Array.from({ length: k }, (_, i) => xs[Math.min(n - 1, Math.floor(((i + 0.5) / k) * n))]));
}

/** Forgy: k data points drawn without replacement (skipping repeats of a value already drawn). */
export function forgyInit(xs: Float64Array, k: number, random: RandomSource): Float64Array {
  const n = xs.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const picked = new Set<number>();
  for (let i = 0; i < n && picked.size < k; i++) {
    const j = i + random.int(n - i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
    picked.add(xs[order[i]]);
  }
  return uniqueSorted([...picked]);
}

/** k-means++ (Arthur & Vassilvitskii 2007): each next centre drawn with probability ∝ D(x)². */
export function kmeansPlusPlusInit(xs: Float64Array, k: number, random: RandomSource): Float64Array {
  const n = xs.length;
  const centres = [xs[random.int(n)]];
  const d2 = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += d2[i] = (xs[i] - centres[0]) ** 2;
  while (centres.length < k && total > 0) {
    let r = random.next() * total;
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (d2[i] === 0) continue;
      pick = i;
      r -= d2[i];
      if (r < 0) break;
    }
    const c = xs[pick];
    centres.push(c);
    total = 0;
    for (let i = 0; i < n; i++) {
      const d = (xs[i] - c) ** 2;
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
  }
  return uniqueSorted(centres);
}

/** Initial centroids for sorted data `xs` by `method`. */
export function initCentroids(method: CentroidInit, xs: Float64Array, k: number, random: RandomSource): Float64Array {
  switch (method) {
    case 'linear':
      return linearInit(xs, k);
    case 'density':
      return densityInit(xs, k);
    case 'random':
      return forgyInit(xs, k, random);
    case 'kmeans++':
      return kmeansPlusPlusInit(xs, k, random);
  }
}
