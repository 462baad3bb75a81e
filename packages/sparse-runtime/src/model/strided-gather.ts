/** A strided index walk: the one loop behind a permutation and a broadcast. */

/**
 * Writes `dst[to + i]`, for each index `i` of a row-major walk over `extents` (last axis fastest),
 * as the element of `src` reached from `src[from]` by stepping `strides[a]` along axis `a` (a
 * stride 0 repeats the same element along that axis: a broadcast).
 */
export function gatherStrided(src: Float32Array, from: number, strides: readonly number[], extents: readonly number[], dst: Float32Array, to: number): void {
  const rank = extents.length;
  const size = extents.reduce((a, b) => a * b, 1);
  const at = new Array<number>(rank).fill(0);
  for (let i = 0, s = from; i < size; i++) {
    dst[to + i] = src[s];
    for (let a = rank - 1; a >= 0; a--) {
      s += strides[a];
      if (++at[a] < extents[a]) break;
      s -= strides[a] * extents[a];
      at[a] = 0;
    }
  }
}
