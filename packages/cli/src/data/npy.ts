/** NumPy `.npy` arrays (what Python users already have), read with the `npyjs` library. */
import { open, readFile } from 'node:fs/promises';
import { DcError, fileReadError } from '@dc/core';
import { parse } from 'npyjs';

/** A numeric array read from a file: values as float64-safe numbers, row-major, and its shape. */
export interface NumericArray {
  readonly values: Float32Array | Uint8Array | Int32Array | Float64Array | Int16Array | Int8Array | Uint16Array | Uint32Array;
  readonly shape: readonly number[];
}

/**
 * Reads a `.npy` file (C order; integer, float16/32/64 or bool dtypes). A header that does not
 * describe the data — a size that is not a whole number, a shape whose values the file does not
 * hold (truncated, or edited), a complex or 64-bit integer dtype — is `BAD_DATA_FILE`.
 */
export async function readNpy(path: string): Promise<NumericArray> {
  const bytes = await readFile(path).catch((cause: unknown) => {
    throw fileReadError(path, cause, 'BAD_DATA_FILE', { hint: 'Check the path given to --data / --labels.' });
  });
  let array;
  try {
    array = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch (cause) {
    throw new DcError('BAD_DATA_FILE', `${path} is not a readable .npy file: ${(cause as Error).message}`, { cause });
  }
  if (array.fortranOrder) throw new DcError('BAD_DATA_FILE', `${path} is in Fortran order`, { hint: 'Save it in C order: np.save(path, np.ascontiguousarray(a)).' });
  const shape = checkedShape(array.shape, path);
  const data = numericData(array.data, array.dtype, path);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new DcError('BAD_DATA_FILE', `${path}: its header says shape (${shape.join(', ')}), ${size} values of ${array.dtype}, and it holds ${data.length}`, {
      hint: 'The file is truncated or its header was altered: save the array again with np.save(path, a).',
    });
  }
  return { values: data, shape };
}

/** The values npyjs read as one of {@link NumericArray}'s arrays (bools as 0 and 1), or `BAD_DATA_FILE`. */
function numericData(data: unknown, dtype: string, path: string): NumericArray['values'] {
  if (Array.isArray(data) && data.every((v) => typeof v === 'boolean')) return Uint8Array.from(data, (v) => (v ? 1 : 0));
  const complex = dtype.startsWith('c');
  if (complex || data instanceof BigInt64Array || data instanceof BigUint64Array || !(ArrayBuffer.isView(data) && 'length' in data)) {
    throw new DcError('BAD_DATA_FILE', `${path} has dtype ${dtype}, which dc does not read`, { hint: 'Save it as float32, uint8 or int32: np.save(path, a.astype(np.float32)).' });
  }
  return data as NumericArray['values'];
}

/** `shape` if every size is a whole number (at most 2⁵³), else `BAD_DATA_FILE`. */
function checkedShape(shape: readonly number[], path: string): readonly number[] {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new DcError('BAD_DATA_FILE', `${path}: its header's shape (${shape.join(', ')}) is not a list of sizes`, { hint: 'Save the array again with numpy: np.save(path, a).' });
  }
  return shape;
}

/**
 * The shape of a `.npy` file, read from its header alone (the first bytes; the array is not read):
 * what a run needs before it reads the array itself. `BAD_DATA_FILE` when the header is not one.
 */
export async function readNpyShape(path: string): Promise<readonly number[]> {
  const file = await open(path).catch((cause: unknown) => {
    throw fileReadError(path, cause, 'BAD_DATA_FILE', { hint: 'Check the path given to --data / --labels.' });
  });
  try {
    // Magic (6 bytes), version (2), header length (2 in version 1, 4 after), then the header dict.
    const head = Buffer.alloc(12);
    await file.read(head, 0, 12, 0);
    const major = head[6];
    const magic = head.subarray(0, 6).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]));
    const [at, length] = major === 1 ? [10, head.readUInt16LE(8)] : [12, head.readUInt32LE(8)];
    if (!magic || major < 1 || major > 3 || length > 1 << 20) throw new DcError('BAD_DATA_FILE', `${path} is not a readable .npy file: no .npy header`, { hint: 'Save it with numpy: np.save(path, a).' });
    const dict = Buffer.alloc(length);
    await file.read(dict, 0, length, at);
    const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict.toString('latin1'))?.[1];
    if (shape === undefined) throw new DcError('BAD_DATA_FILE', `${path} is not a readable .npy file: its header has no shape`, { hint: 'Save it with numpy: np.save(path, a).' });
    return checkedShape(shape.split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number), path);
  } finally {
    await file.close();
  }
}
