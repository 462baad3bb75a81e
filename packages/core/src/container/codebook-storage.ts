/**
 * How a GraphModel file stores a codebook, in one place for the writer and for those who price
 * candidates before writing (a quantizer choosing between codebooks): an integer range (4 bytes,
 * format version 9) where allowed and the centroids are one, else raw floats, `f16` where every
 * centroid is exactly a float16 (lossless), else `f32`.
 */
import { exactInFloat16 } from './float16.js';
import { encodeIntegerRange, isIntegerRange, RANGE_SECTION_BYTES } from './integer-range.js';
import { planFloats, type StreamEncoding } from './plan-stream.js';
import { RANGE_ENCODING } from './stream-codec.js';

/** Options of {@link storedCodebookBytes}. */
export interface StoredCodebookOptions {
  /**
   * Whether the file may hold integer ranges (format version 9): true for a GraphModel's record,
   * false for a LayersModel's (version 8) and for layer-graph files.
   */
  readonly integerRanges: boolean;
}

/** The codebook format a GraphModel file stores `centroids` in, lossless: `float16` where every one is exactly a float16. */
export function losslessCodebookFormat(centroids: ArrayLike<number>): 'float32' | 'float16' {
  return exactInFloat16(centroids) ? 'float16' : 'float32';
}

/** Whether a codebook of `centroids` is stored as a range (shared by {@link planCodebook} and {@link storedCodebookBytes}). */
function storesAsRange(centroids: ArrayLike<number>, integerRanges: boolean): boolean {
  return integerRanges && isIntegerRange(centroids);
}

/**
 * The bytes `encodeGraphModelContainer` spends on the section of a codebook holding exactly
 * `centroids`: 4 for an integer range (`isIntegerRange`, with `integerRanges`), else 2 per
 * centroid where every one is exactly a float16, else 4 per centroid. (A `dense-coded` tensor
 * with pruned elements adds an entry 0 unless its range already holds 0; price that codebook
 * with the 0 included.)
 */
export function storedCodebookBytes(centroids: ArrayLike<number>, options: StoredCodebookOptions): number {
  if (storesAsRange(centroids, options.integerRanges)) return RANGE_SECTION_BYTES;
  return centroids.length * (losslessCodebookFormat(centroids) === 'float16' ? 2 : 4);
}

/** The `codebook` stream of `centroids`: an integer range where `integerRanges` allows and they are one, else raw floats of `type`. */
export function planCodebook(centroids: ArrayLike<number>, type: 'f32' | 'f16', integerRanges = false): StreamEncoding {
  if (!storesAsRange(centroids, integerRanges)) return planFloats('codebook', centroids, type);
  const data = encodeIntegerRange(centroids[0]);
  // A range decodes to float32 values (`f32`); rawBytes: what the same values would take as plain f32.
  return { role: 'codebook', type: 'f32', count: centroids.length, encoding: RANGE_ENCODING, data, rawBytes: 4 * centroids.length, tableBytes: 0 };
}
