/**
 * `embedding`: each input value, truncated toward zero, picks a row of the table; an id outside
 * `[0, inputDim)` (or NaN) gives zeros. The table stays as the file stores it: a sparse table's
 * rows are found through its row starts (positions are row-major), a coded one's values through
 * its codebook, so a pruned, clustered vocabulary is never expanded to float32.
 */
import type { CompressedTensor, EmbeddingConfig } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';

/** Writes row `id` of a `[rows, width]` table into `out` at `at` (every element of the row). */
type RowReader = (id: number, out: Float32Array, at: number) => void;

/** The reader of `table`'s rows, for each layout the file may store. */
export function tableRows(table: CompressedTensor, width: number): RowReader {
  if (table.layout === 'dense') return (id, out, at) => out.set(table.values.subarray(id * width, (id + 1) * width), at);
  if (table.layout === 'dense-coded') {
    const { codebook, codes } = table;
    return (id, out, at) => {
      for (let j = 0, p = id * width; j < width; j++, p++) out[at + j] = codebook[codes[p]];
    };
  }
  const rows = table.shape[0];
  // starts[r]..starts[r + 1]: the entries of row r.
  const starts = new Uint32Array(rows + 1);
  for (const p of table.positions) starts[Math.floor(p / width) + 1]++;
  for (let r = 0; r < rows; r++) starts[r + 1] += starts[r];
  const { positions } = table;
  const valueOf = table.layout === 'sparse' ? (k: number) => table.values[k] : (k: number) => table.codebook[table.codes[k]];
  return (id, out, at) => {
    out.fill(0, at, at + width);
    const base = id * width;
    for (let k = starts[id]; k < starts[id + 1]; k++) out[at + positions[k] - base] = valueOf(k);
  };
}

export function embeddingKernel(step: PlanStep): CpuKernel {
  const { inputDim, outputDim } = step.config as EmbeddingConfig;
  const rowOf = tableRows(step.params.kernel!, outputDim);
  const ids = step.inputShapes[0].reduce((a, b) => a * b, 1);
  const output = outputBuffer();
  return ([x], batch) => {
    const out = output(batch * ids * outputDim);
    for (let i = 0; i < batch * ids; i++) {
      const id = Math.trunc(x[i]);
      if (id >= 0 && id < inputDim) rowOf(id, out, i * outputDim);
      else out.fill(0, i * outputDim, (i + 1) * outputDim);
    }
    return out;
  };
}
