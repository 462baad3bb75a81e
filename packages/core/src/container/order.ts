/**
 * Column order (CSC) of sparse tensors. A tensor of shape `[..., C]` is viewed as an `R × C`
 * matrix (`R = N / C`); in column order the element at row-major index `i` has index
 * `(i mod C) · R + floor(i / C)`. For a dense kernel `[in, out]` this lists each output unit's
 * inputs together (the paper's Caffe layout), which can make relative indices cheaper.
 */
import type { Symbols } from './bit-pack.js';

/** Sparse entries reordered to column order: their column-order indices and the permutation. */
export interface ColumnOrder {
  /** Ascending column-order indices of the entries. */
  readonly indices: Uint32Array;
  /** `perm[j]` is the row-major entry stored at column-order slot `j`. */
  readonly perm: Uint32Array;
}

/** `[R, C]` of a shape: the product of all but the last dimension, and the last. */
export function matrixDims(shape: readonly number[]): [number, number] {
  const c = shape.length > 0 ? shape[shape.length - 1] : 1;
  return [c === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / c, c];
}

/** Reorders ascending row-major `positions` of a tensor of `shape` into column order (counting sort by column). */
export function toColumnOrder(positions: Uint32Array, shape: readonly number[]): ColumnOrder {
  const [r, c] = matrixDims(shape);
  const n = positions.length;
  const start = new Uint32Array(c + 1);
  for (let k = 0; k < n; k++) start[(positions[k] % c) + 1]++;
  for (let j = 0; j < c; j++) start[j + 1] += start[j];
  const indices = new Uint32Array(n);
  const perm = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const p = positions[k];
    const col = p % c;
    const d = start[col]++;
    perm[d] = k;
    indices[d] = col * r + (p - col) / c;
  }
  return { indices, perm };
}

/**
 * Row-major positions of entries stored in column order (`indices` ascending), and the
 * permutation: row-major entry `d` is stored entry `perm[d]`.
 */
export function fromColumnOrder(indices: Uint32Array, shape: readonly number[]): { positions: Uint32Array; perm: Uint32Array } {
  const [r, c] = matrixDims(shape);
  const n = indices.length;
  const positions = new Uint32Array(n);
  const perm = new Uint32Array(n);
  if (r <= 4 * n + 65536) {
    // Counting sort by row (stable: within a row, entries arrive in ascending column).
    const start = new Uint32Array(r + 1);
    for (let k = 0; k < n; k++) start[(indices[k] % r) + 1]++;
    for (let i = 0; i < r; i++) start[i + 1] += start[i];
    for (let k = 0; k < n; k++) {
      const j = indices[k];
      const row = j % r;
      const d = start[row]++;
      perm[d] = k;
      positions[d] = row * c + (j - row) / r;
    }
    return { positions, perm };
  }
  // A huge, nearly empty matrix: sort instead of allocating a counter per row.
  const rowMajor = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const row = indices[k] % r;
    rowMajor[k] = row * c + (indices[k] - row) / r;
    perm[k] = k;
  }
  perm.sort((a, b) => rowMajor[a] - rowMajor[b]);
  for (let d = 0; d < n; d++) positions[d] = rowMajor[perm[d]];
  return { positions, perm };
}

/** `values` gathered by `perm` (`out[d] = values[perm[d]]`), same array type. */
export function permute<T extends Symbols | Float32Array>(values: T, perm: Uint32Array): T {
  const out = new (values.constructor as new (n: number) => T)(perm.length);
  for (let d = 0; d < perm.length; d++) out[d] = values[perm[d]];
  return out;
}
