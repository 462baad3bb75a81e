/** NumPy `.npy` arrays (what Python users already have), read with the `npyjs` library. */
import { readFile } from 'node:fs/promises';
import { DcError } from '@dc/core';
import { parse } from 'npyjs';

/** A numeric array read from a file: values as float64-safe numbers, row-major, and its shape. */
export interface NumericArray {
  readonly values: Float32Array | Uint8Array | Int32Array | Float64Array | Int16Array | Int8Array | Uint16Array | Uint32Array;
  readonly shape: readonly number[];
}

/** Reads a `.npy` file (C order; integer, float16/32/64 or bool dtypes). */
export async function readNpy(path: string): Promise<NumericArray> {
  const bytes = await readFile(path).catch((cause: unknown) => {
    throw new DcError('DATASET_NOT_FOUND', `cannot read ${path}`, { cause, hint: 'Check the path given to --data / --labels.' });
  });
  let array;
  try {
    array = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch (cause) {
    throw new DcError('BAD_DATA_FILE', `${path} is not a readable .npy file: ${(cause as Error).message}`, { cause });
  }
  if (array.fortranOrder) throw new DcError('BAD_DATA_FILE', `${path} is in Fortran order`, { hint: 'Save it in C order: np.save(path, np.ascontiguousarray(a)).' });
  const data = array.data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array || !(ArrayBuffer.isView(data) && 'length' in data)) {
    throw new DcError('BAD_DATA_FILE', `${path} has dtype ${array.dtype}, which dc does not read`, { hint: 'Save it as float32, uint8 or int32: np.save(path, a.astype(np.float32)).' });
  }
  return { values: data as NumericArray['values'], shape: array.shape };
}
