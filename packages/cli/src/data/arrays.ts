/** A numeric array from either file kind a user brings: a NumPy `.npy` array or a CSV table. */
import { isCsv, readCsv } from './csv.js';
import { readNpy, type NumericArray } from './npy.js';

/** Reads a `.npy` file, or a CSV table (`[rows, columns]`) when `path` ends in `.csv`. */
export async function readArray(path: string): Promise<NumericArray> {
  return isCsv(path) ? readCsv(path) : readNpy(path);
}
