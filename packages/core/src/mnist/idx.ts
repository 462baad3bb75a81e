import { DcError } from '../errors/dc-error.js';

/** An IDX array of unsigned bytes (the only element type MNIST uses). */
export interface IdxArray {
  /** Dimensions, e.g. `[60000, 28, 28]`. */
  readonly dims: readonly number[];
  /** The elements, row-major, viewing the input bytes without a copy. */
  readonly data: Uint8Array;
}

const UBYTE = 0x08;

/**
 * Parses an IDX file (the MNIST format: magic `00 00 08 <ndims>`, big-endian uint32 dims, then the
 * data). Throws `BAD_IDX_FILE` on a bad magic, an element type other than unsigned byte, or a size
 * that does not match the dimensions.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  const fail = (why: string): never => {
    throw new DcError('BAD_IDX_FILE', `${name}: ${why}`);
  };
  if (bytes.length < 4) fail(`only ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail('bad magic number (first two bytes must be 0)');
  if (bytes[2] !== UBYTE) fail(`element type 0x${bytes[2].toString(16)} is not unsigned byte (0x08)`);
  const ndims = bytes[3];
  if (ndims < 1 || ndims > 4) fail(`${ndims} dimensions`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) fail('truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual !== expected) fail(`holds ${actual} data bytes, dimensions [${dims.join(', ')}] need ${expected}${actual < expected ? ' (truncated)' : ''}`);
  return { dims, data: bytes.subarray(headerBytes) };
}
