/**
 * Host-side layout of a compressed kernel for the WebGPU shaders: the kernel, seen as a matrix
 * `[rows, columns]` (dense `[in, out]`; conv `[kh·kw·cin, cout]`), is regrouped by output column
 * (CSC), and each kept weight becomes one u32 word `row << codeBits | code`. The shader reads the
 * word, looks the weight up in the value table (the codebook) and multiplies: the weights are never
 * expanded to float32, on the host or on the GPU.
 */
import { DcError, type CompressedTensor } from '@dc/core';

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
   * Wide mode (`codeBits === 0`): two words per kept weight, `row` then `code`.
   */
  readonly entries: Uint32Array;
  /** Bits of the code in a packed word; 0 selects wide mode. */
  readonly codeBits: number;
  /** The values codes index: the codebook, or the tensor's own float32 values when it has none. */
  readonly table: Float32Array;
  /** Number of kept weights (entries). */
  readonly nnz: number;
}

/** Bits needed to write every integer below `n` (at least 1). */
export function bitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(n, 2))));
}

interface Coded {
  readonly positions: ArrayLike<number> | null;
  readonly codes: ArrayLike<number> | null;
  readonly table: Float32Array;
  readonly count: number;
}

function asCoded(t: CompressedTensor, total: number): Coded {
  switch (t.layout) {
    case 'sparse-coded':
      return { positions: t.positions, codes: t.codes, table: t.codebook, count: t.positions.length };
    case 'dense-coded':
      return { positions: null, codes: t.codes, table: t.codebook, count: total };
    case 'sparse':
      return { positions: t.positions, codes: null, table: t.values, count: t.positions.length };
    case 'dense':
      return { positions: null, codes: null, table: t.values, count: total };
  }
}

/**
 * Regroups a kernel tensor (row-major, last dimension = outputs) by output column and packs each
 * kept weight with its code. `name` names the tensor in errors.
 */
export function packColumns(t: CompressedTensor, name: string): PackedColumns {
  const columns = t.shape[t.shape.length - 1] ?? 0;
  const total = t.shape.reduce((a, b) => a * b, 1);
  if (t.shape.length < 2 || columns === 0) {
    throw new DcError('INVALID_MODEL', `kernel "${name}" has shape [${t.shape.join(', ')}]; expected at least 2 non-empty dimensions`, { tensor: name });
  }
  const rows = total / columns;
  const c = asCoded(t, total);
  const codeBits = bitsFor(c.table.length);
  const packed = bitsFor(rows) + codeBits <= 32;
  const width = packed ? 1 : 2;

  const offsets = new Uint32Array(columns + 1);
  for (let k = 0; k < c.count; k++) {
    const p = c.positions ? c.positions[k] : k;
    if (p >= total || (k > 0 && c.positions && p <= c.positions[k - 1])) {
      throw new DcError('INVALID_MODEL', `kernel "${name}": position ${p} at entry ${k} is out of range or not ascending`, { tensor: name });
    }
    offsets[(p % columns) + 1]++;
  }
  for (let col = 0; col < columns; col++) offsets[col + 1] += offsets[col];

  const fill = offsets.slice(0, columns);
  const entries = new Uint32Array(c.count * width);
  for (let k = 0; k < c.count; k++) {
    const p = c.positions ? c.positions[k] : k;
    const code = c.codes ? c.codes[k] : k;
    if (code >= c.table.length) {
      throw new DcError('INVALID_MODEL', `kernel "${name}": code ${code} at entry ${k} is outside its codebook of ${c.table.length}`, { tensor: name });
    }
    const col = p % columns;
    const row = (p - col) / columns;
    const at = fill[col]++;
    // Positions ascend, so within a column rows ascend as well (the summation order of a dense dot product).
    if (packed) entries[at] = ((row << codeBits) | code) >>> 0;
    else {
      entries[2 * at] = row;
      entries[2 * at + 1] = code;
    }
  }
  return { rows, columns, offsets, entries, codeBits: packed ? codeBits : 0, table: c.table, nnz: c.count };
}
