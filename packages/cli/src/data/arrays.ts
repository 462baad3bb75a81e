/** A numeric array from either file kind a user brings: a NumPy `.npy` array or a CSV table. */
import { DcError, firstNonFinite } from '@dc/core';
import { isCsv, readCsv, splitColumns, type ColumnChoice, type SplitTable } from './csv.js';
import { readNpy, type NumericArray } from './npy.js';

/** Reads a `.npy` file, or a CSV table (`[rows, columns]`) when `path` ends in `.csv`. */
export async function readArray(path: string): Promise<NumericArray> {
  return isCsv(path) ? readCsv(path) : readNpy(path);
}

/**
 * The inputs of an array file: a `.npy` array, or a CSV table with its label or target `columns`
 * split off. A `.npy` value that is NaN or infinite (a missing value) is `DATA_MISMATCH` naming
 * the sample, as a CSV cell that is not a number is: trained on, it turns the weights NaN.
 */
export async function readInputArray(path: string, columns: ColumnChoice = {}): Promise<SplitTable> {
  return isCsv(path) ? splitColumns(await readCsv(path, columns), path, columns) : { features: finiteInputs(await readNpy(path), path) };
}

function finiteInputs(array: NumericArray, path: string): NumericArray {
  const { values, shape } = array;
  const at = values instanceof Float32Array || values instanceof Float64Array ? firstNonFinite(values) : -1;
  if (at < 0) return array;
  const perSample = values.length / Math.max(1, shape[0] ?? 1);
  throw new DcError('DATA_MISMATCH', `${path}: value ${at % perSample} of sample ${Math.floor(at / perSample)} is ${values[at]}`, {
    hint: 'Inputs must be finite numbers: fill in missing values (NaN) before training or calibrating on them.',
  });
}
