/**
 * Integer-range codebooks (format version 9, docs/format.md §9.6). A quantizer that puts weights on
 * a uniform grid (the per-channel scales holding the step) makes a codebook of consecutive integers
 * `first, first + 1, ..., first + K − 1`, e.g. −127..127. Stored raw that costs 2 or 4 bytes per
 * entry (510 B for 255 float16 entries, often more than the codes of a small kernel); stored as a
 * range it is 4 bytes: the little-endian int32 `first`, the count being the stream's.
 */
import { DcError } from '../errors/dc-error.js';
import { MAX_CODEBOOK_ENTRIES } from './limits.js';

/** Bytes of a `range` section: one little-endian int32, the first value. */
export const RANGE_SECTION_BYTES = 4;

/** The largest magnitude of a range's values: every integer up to 2^24 is exact in float32, 2^24 + 1 is not. */
export const INTEGER_RANGE_LIMIT = 2 ** 24;

/**
 * The fewest entries the writer stores as a range: with fewer, raw `f16` (2 bytes each, exact for
 * small integers) is no larger than the 4-byte range, and the file would need version 9 for nothing.
 */
export const INTEGER_RANGE_MIN_ENTRIES = 3;

/**
 * Whether `centroids` are consecutive integers `first, first + 1, ...` (at least
 * {@link INTEGER_RANGE_MIN_ENTRIES}, at most 65,536, every one within ±2^24), so that a GraphModel
 * file stores them as a 4-byte integer range (format version 9). Exact comparison: `-0` is not
 * `0` (a range decodes to `+0`), and `1.0000001` is no integer.
 */
export function isIntegerRange(centroids: ArrayLike<number>): boolean {
  const n = centroids.length;
  if (n < INTEGER_RANGE_MIN_ENTRIES || n > MAX_CODEBOOK_ENTRIES) return false;
  const first = centroids[0];
  if (!Number.isInteger(first) || first < -INTEGER_RANGE_LIMIT || first + n - 1 > INTEGER_RANGE_LIMIT) return false;
  for (let i = 0; i < n; i++) if (!Object.is(centroids[i], first + i)) return false;
  return true;
}

/** The section of a range that starts at `first` (an integer within ±2^24). */
export function encodeIntegerRange(first: number): Uint8Array {
  const out = new Uint8Array(RANGE_SECTION_BYTES);
  new DataView(out.buffer).setInt32(0, first, true);
  return out;
}

/**
 * The `count` float32 values `first + i` of a `range` section (tensor `key`): `CORRUPT_STREAM`
 * unless the section is exactly 4 bytes, `VALUE_OUT_OF_RANGE` where the first or last value passes
 * ±2^24 (no longer exact in float32). Both are checked before the values are allocated; `count`
 * is the header's, already limited to 65,536.
 */
export function decodeIntegerRange(section: Uint8Array, count: number, key: string): Float32Array {
  if (section.length !== RANGE_SECTION_BYTES) {
    throw new DcError('CORRUPT_STREAM', `tensor ${key}: an integer-range codebook section must be ${RANGE_SECTION_BYTES} bytes, not ${section.length}`, { tensor: key });
  }
  const first = new DataView(section.buffer, section.byteOffset, RANGE_SECTION_BYTES).getInt32(0, true);
  const last = first + count - 1;
  if (first < -INTEGER_RANGE_LIMIT || last > INTEGER_RANGE_LIMIT) {
    throw new DcError('VALUE_OUT_OF_RANGE', `tensor ${key}: its codebook's range ${first}..${last} passes ±2^24, past the integers float32 holds exactly`, { tensor: key });
  }
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = first + i;
  return values;
}
