/** A numeric array from either file kind a user brings: a NumPy `.npy` array or a CSV table. */
import { isCsv, readCsv, splitColumns, type ColumnChoice, type SplitTable } from './csv.js';
import { readNpy, type NumericArray } from './npy.js';

/** Reads a `.npy` file, or a CSV table (`[rows, columns]`) when `path` ends in `.csv`. */
export async function readArray(path: string): Promise<NumericArray> {
  return isCsv(path) ? readCsv(path) : readNpy(path);
}

/** The inputs of an array file: a `.npy` array, or a CSV table with its label or target `columns` split off. */
export async function readInputArray(path: string, columns: ColumnChoice = {}): Promise<SplitTable> {
  return isCsv(path) ? splitColumns(await readCsv(path, columns), path, columns) : { features: await readNpy(path) };
}
