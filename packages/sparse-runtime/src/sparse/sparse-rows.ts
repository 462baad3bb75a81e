/**
 * The sparse structure every kernel works from, built once at load from a compressed tensor's
 * positions, without densifying: a kernel of shape `[...rows, cols]` (a dense kernel `[in, out]`,
 * a conv kernel `[kh, kw, inC, outC]` whose rows are the im2col patch entries) becomes compressed
 * sparse rows whose entries keep their small codes and look up the codebook when used.
 */
import type { CompressedTensor } from '@dc/core';

/** Codes or indices of the entries. */
export type CodeArray = Uint8Array | Uint16Array | Uint32Array;

/**
 * Compressed sparse rows with codebook values: entry `k` of row `r` (for `k` in
 * `rowPtr[r] .. rowPtr[r + 1]`) is at column `colIdx[k]` with value `codebook[codes[k]]`.
 * For tensors stored without a codebook, `codebook` holds the nonzero values and `codes` counts
 * 0, 1, 2, ... (as Uint32).
 */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Uint32Array;
  readonly colIdx: Uint32Array;
  readonly codes: CodeArray;
  readonly codebook: Float32Array;
  /** Number of stored entries. */
  readonly nnz: number;
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Positions, codes and codebook of any layout (dense layouts drop their exact zeros). */
function entries(t: CompressedTensor): { positions: Uint32Array; codes: CodeArray; codebook: Float32Array } {
  switch (t.layout) {
    case 'sparse-coded':
      return { positions: t.positions, codes: t.codes, codebook: t.codebook };
    case 'sparse':
      return { positions: t.positions, codes: identity(t.values.length), codebook: t.values };
    case 'dense-coded': {
      const keep: number[] = [];
      for (let i = 0; i < t.codes.length; i++) if (t.codebook[t.codes[i]] !== 0) keep.push(i);
      const positions = Uint32Array.from(keep);
      const codes = t.codes instanceof Uint8Array ? new Uint8Array(keep.length) : new Uint16Array(keep.length);
      for (let k = 0; k < keep.length; k++) codes[k] = t.codes[keep[k]];
      return { positions, codes, codebook: t.codebook };
    }
    case 'dense': {
      const keep: number[] = [];
      for (let i = 0; i < t.values.length; i++) if (t.values[i] !== 0) keep.push(i);
      const positions = Uint32Array.from(keep);
      const values = new Float32Array(keep.length);
      for (let k = 0; k < keep.length; k++) values[k] = t.values[keep[k]];
      return { positions, codes: identity(keep.length), codebook: values };
    }
  }
}

/** Builds {@link SparseRows} for a kernel: rows are all axes but the last, columns the last axis. */
export function toSparseRows(t: CompressedTensor): SparseRows {
  const cols = t.shape[t.shape.length - 1];
  const rows = t.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const { positions, codes, codebook } = entries(t);
  const nnz = positions.length;
  const rowPtr = new Uint32Array(rows + 1);
  const colIdx = new Uint32Array(nnz);
  // Positions are ascending row-major, so entries are already grouped by row in column order.
  for (let k = 0; k < nnz; k++) {
    const p = positions[k];
    const r = Math.floor(p / cols);
    colIdx[k] = p - r * cols;
    rowPtr[r + 1]++;
  }
  for (let r = 0; r < rows; r++) rowPtr[r + 1] += rowPtr[r];
  return { rows, cols, rowPtr, colIdx, codes, codebook, nnz };
}

/**
 * Columns `[from, to)` of `m` as a matrix of their own (columns renumbered from 0): a GRU's
 * recurrent kernel is read as its gates' block and its candidate's block.
 */
export function columnRange(m: SparseRows, from: number, to: number): SparseRows {
  const rowPtr = new Uint32Array(m.rows + 1);
  const keep: number[] = [];
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) if (m.colIdx[k] >= from && m.colIdx[k] < to) keep.push(k);
    rowPtr[r + 1] = keep.length;
  }
  const colIdx = new Uint32Array(keep.length);
  const codes = new (m.codes.constructor as { new (n: number): CodeArray })(keep.length);
  keep.forEach((k, i) => {
    colIdx[i] = m.colIdx[k] - from;
    codes[i] = m.codes[k];
  });
  return { rows: m.rows, cols: to - from, rowPtr, colIdx, codes, codebook: m.codebook, nnz: keep.length };
}

/**
 * Compressed sparse columns of the same matrix (entries grouped by column, rows ascending):
 * `rowIdx[k]`, `codes[k]` for `k` in `colPtr[c] .. colPtr[c + 1]`.
 */
export interface SparseCols {
  readonly rows: number;
  readonly cols: number;
  readonly colPtr: Uint32Array;
  readonly rowIdx: Uint32Array;
  readonly codes: CodeArray;
  readonly codebook: Float32Array;
  readonly nnz: number;
}

/** Regroups sparse rows by column (a counting sort, O(nnz)). */
export function toSparseCols(m: SparseRows): SparseCols {
  const colPtr = new Uint32Array(m.cols + 1);
  for (let k = 0; k < m.nnz; k++) colPtr[m.colIdx[k] + 1]++;
  for (let c = 0; c < m.cols; c++) colPtr[c + 1] += colPtr[c];
  const next = colPtr.slice(0, m.cols);
  const rowIdx = new Uint32Array(m.nnz);
  const codes = new (m.codes.constructor as { new (n: number): CodeArray })(m.nnz);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
      const dst = next[m.colIdx[k]]++;
      rowIdx[dst] = r;
      codes[dst] = m.codes[k];
    }
  }
  return { rows: m.rows, cols: m.cols, colPtr, rowIdx, codes, codebook: m.codebook, nnz: m.nnz };
}
