/**
 * Exact Lloyd iterations for 1-D data, specialised: the data is sorted once, so each cluster is a
 * contiguous run whose ends are found by binary search on the midpoints between centroids (outward
 * from where each end was: {@link upperBoundNear}), and whose mean comes from prefix sums. One
 * iteration costs at most O(k log n) instead of O(n k), and it stops when no boundary moves (exact
 * convergence, no tolerance to tune).
 */

/** The outcome of a k-means run on 1-D data. */
export interface KMeansRun {
  /** Final centroids, ascending (possibly with empty or equal ones; see `tidyCentroids`). */
  readonly centroids: Float64Array;
  readonly iterations: number;
  /** True when the assignment stopped changing before `maxIterations`. */
  readonly converged: boolean;
}

/** Index of the first element of sorted `xs` that is greater than `v`. */
export function upperBound(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * {@link upperBound} searched outward from `hint` (exponential, then binary search): the same
 * index, in O(log d) steps where d is its distance from `hint`. Lloyd's boundaries move little from
 * one iteration to the next, so each is found near where it was, without the cache misses of a
 * search over the whole array.
 */
export function upperBoundNear(xs: ArrayLike<number>, v: number, hint: number): number {
  const n = xs.length;
  let lo: number;
  let hi: number;
  if (hint < n && xs[hint] <= v) {
    // The answer is right of hint: gallop right until an element above v (or the end).
    lo = hint + 1;
    let step = 1;
    hi = lo;
    while (hi < n && xs[hi] <= v) {
      lo = hi + 1;
      hi = lo + step;
      step *= 2;
    }
    hi = Math.min(hi, n);
  } else {
    // xs[hint] > v (or hint = n): the answer is at most hint; gallop left.
    hi = Math.min(hint, n);
    lo = 0;
    let step = 1;
    for (let probe = hi - 1; probe >= 0; probe = hi - step) {
      if (xs[probe] <= v) {
        lo = probe + 1;
        break;
      }
      hi = probe;
      step *= 2;
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Midpoints between consecutive sorted centroids: the decision boundaries (ties go to the lower centroid). */
export function midpoints(centroids: ArrayLike<number>): Float64Array {
  const m = new Float64Array(Math.max(0, centroids.length - 1));
  for (let j = 0; j < m.length; j++) m[j] = (centroids[j] + centroids[j + 1]) / 2;
  return m;
}

/** Index of the nearest of the sorted centroids whose `midpoints` are given (ties to the lower one). */
export function nearest(mids: Float64Array, v: number): number {
  let lo = 0;
  let hi = mids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (mids[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Prefix sums: `s[i]` is the sum of `xs[0..i)`. */
export function prefixSums(xs: Float64Array): Float64Array {
  const s = new Float64Array(xs.length + 1);
  for (let i = 0; i < xs.length; i++) s[i + 1] = s[i] + xs[i];
  return s;
}

/**
 * Lloyd's algorithm on sorted `xs` from sorted centroids `init`. A centroid whose cluster is empty
 * keeps its value (it stays between its neighbours, so the centroids stay sorted).
 */
export function lloyd1d(xs: Float64Array, init: Float64Array, maxIterations: number, sums: Float64Array = prefixSums(xs)): KMeansRun {
  const k = init.length;
  const c = Float64Array.from(init);
  let ends: Uint32Array = new Uint32Array(k);
  let prev: Uint32Array | undefined;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    const mids = midpoints(c);
    for (let j = 0; j < k - 1; j++) ends[j] = upperBoundNear(xs, mids[j], prev ? prev[j] : j > 0 ? ends[j - 1] : 0);
    ends[k - 1] = xs.length;
    if (prev && prev.every((e, j) => e === ends[j])) {
      converged = true;
      break;
    }
    iterations++;
    let start = 0;
    for (let j = 0; j < k; j++) {
      const end = ends[j];
      if (end > start) c[j] = (sums[end] - sums[start]) / (end - start);
      start = end;
    }
    [prev, ends] = [ends, prev ?? new Uint32Array(k)];
  }
  return { centroids: c, iterations, converged };
}
