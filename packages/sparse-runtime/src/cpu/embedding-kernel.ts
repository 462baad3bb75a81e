/**
 * `embedding`: each input value, truncated toward zero, picks a row of the table; an id outside
 * `[0, inputDim)` (or NaN) gives zeros. The table stays as the file stores it: a dense one is
 * copied row by row, any other is read as the runtime's sparse rows (codes looked up in the
 * codebook), so a pruned, clustered vocabulary is never expanded to float32.
 */
import type { CompressedTensor, EmbeddingConfig } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import type { SparseRows } from '../sparse/sparse-rows.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';
import type { CpuPrepareContext } from './prepare-context.js';

/** Writes row `id` of a `[rows, width]` table into `out` at `at` (every element of the row). */
type RowReader = (id: number, out: Float32Array, at: number) => void;

/** The reader of a table's rows: dense tables are copied, the others scatter their sparse rows. */
function tableRows(table: CompressedTensor, rows: SparseRows): RowReader {
  if (table.layout === 'dense') {
    const width = rows.cols;
    return (id, out, at) => out.set(table.values.subarray(id * width, (id + 1) * width), at);
  }
  const { rowPtr, colIdx, codes, codebook, cols } = rows;
  return (id, out, at) => {
    out.fill(0, at, at + cols);
    for (let k = rowPtr[id]; k < rowPtr[id + 1]; k++) out[at + colIdx[k]] = codebook[codes[k]];
  };
}

export function embeddingKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const { inputDim, outputDim } = step.config as EmbeddingConfig;
  const rowOf = tableRows(step.params.kernel!, ctx.rows.get(step.index)!);
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
