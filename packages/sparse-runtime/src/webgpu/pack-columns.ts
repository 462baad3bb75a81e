/**
 * Device layout of a compressed kernel for the WebGPU shaders. The kernel, seen as a matrix
 * `[rows, columns]` (dense `[in, out]`; conv `[kh·kw·cin, cout]`), is grouped by output column
 * (the runtime's shared {@link toSparseCols}), and each kept weight becomes one u32 word
 * `row << codeBits | code`. The shader reads the word, looks the weight up in the codebook and
 * multiplies: weights are never expanded to float32, on the host or on the GPU.
 */
import { DcError, type CompressedTensor } from '@dc/core';
import { toSparseCols, toSparseRows } from '../sparse/sparse-rows.js';

/** A kernel laid out for the GPU: column offsets, packed entries and the value table. */
export interface PackedColumns {
  /** Length of the reduced dimension (dense: inputs; conv: kh·kw·cin). */
  readonly rows: number;
  /** Number of outputs (dense units or conv filters). */
  readonly columns: number;
  /** `columns + 1` offsets into the entries: column `c` owns entries `[offsets[c], offsets[c+1])`. */
  readonly offsets: Uint32Array;
  /**
   * Packed mode (`codeBits > 0`): one word per kept weight, `row << codeBits | code`.
   * Wide mode (`codeBits === 0`, when row and code need more than 32 bits): two words, `row` then `code`.
   */
  readonly entries: Uint32Array;
  /** Bits of the code in a packed word; 0 selects wide mode. */
  readonly codeBits: number;
  /** The values codes index: the codebook, or the tensor's own nonzero values when it has none. */
  readonly table: Float32Array;
  /** Number of kept weights. */
  readonly nnz: number;
}

/** Bits needed to write every integer below `n` (at least 1). */
export function bitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(n, 2))));
}

/**
 * Groups a kernel tensor (row-major, last axis = outputs) by output column and packs each kept
 * weight with its code. `name` names the tensor in errors.
 */
export function packColumns(t: CompressedTensor, name: string): PackedColumns {
  if (t.shape.length < 2 || t.shape.some((d) => d < 1)) {
    throw new DcError('INVALID_MODEL', `kernel "${name}" has shape [${t.shape.join(', ')}]; expected at least 2 non-empty axes`, { tensor: name });
  }
  const m = toSparseCols(toSparseRows(t));
  const table = m.codebook.length > 0 ? m.codebook : new Float32Array(1);
  const codeBits = bitsFor(table.length);
  const packed = bitsFor(m.rows) + codeBits <= 32;
  const entries = new Uint32Array(m.nnz * (packed ? 1 : 2));
  for (let k = 0; k < m.nnz; k++) {
    const code = m.codes[k];
    if (code >= table.length) {
      throw new DcError('INVALID_MODEL', `kernel "${name}": code ${code} is outside its codebook of ${table.length} values`, { tensor: name });
    }
    if (packed) entries[k] = ((m.rowIdx[k] << codeBits) | code) >>> 0;
    else {
      entries[2 * k] = m.rowIdx[k];
      entries[2 * k + 1] = code;
    }
  }
  return { rows: m.rows, columns: m.cols, offsets: m.colPtr, entries, codeBits: packed ? codeBits : 0, table, nnz: m.nnz };
}
