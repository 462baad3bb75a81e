/**
 * A lossless codebook for a float tensor that takes few distinct values: a model quantized by its
 * converter (`--quantize_uint8`: at most 256 levels; float16: at most 65,536) dequantizes to
 * floats that repeat, and their indices, entropy-coded, take fewer bytes than the floats.
 */
import type { Codebook } from '../artifacts.js';
import { entropyOf } from '../encode-file/entropy.js';
import { bitsFor } from './bit-pack.js';

/** Fewest elements for which writers try an exact codebook (a bias or a scale gains a few bytes at most). */
export const EXACT_CODEBOOK_MIN_ELEMENTS = 256;

/** Most centroids a codebook may hold (codes up to 16 bits). */
export const MAX_CENTROIDS = 65536;

/**
 * The codebook whose centroids are the distinct nonzero values of `values` (sorted ascending),
 * with every nonzero element (or, with `mask`, every kept element) at its own value; decoding it
 * gives back `values` exactly (zeros elsewhere, -0 as +0). `undefined` where no such codebook
 * exists or pays: a NaN or infinite value, a kept element that is 0, more than
 * {@link MAX_CENTROIDS} distinct values, or more distinct values than half the kept elements (the
 * codebook alone would then cost about as much as the floats).
 */
export function exactCodebook(values: Float32Array, mask?: Uint8Array): Codebook | undefined {
  const bitsOf = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const seen = new Set<number>();
  let kept = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const keep = mask ? mask[i] !== 0 : v !== 0;
    if (!keep) continue;
    if (v === 0 || !Number.isFinite(v)) return undefined;
    kept++;
    seen.add(bitsOf[i]);
    if (seen.size > MAX_CENTROIDS) return undefined;
  }
  if (kept === 0 || seen.size > kept / 2) return undefined;
  const centroids = new Float32Array(Uint32Array.from(seen).buffer).sort();
  const codeOf = new Map(Array.from(new Uint32Array(centroids.buffer), (bits, code) => [bits, code]));
  const positions = new Uint32Array(kept);
  const codes = centroids.length > 256 ? new Uint16Array(kept) : new Uint8Array(kept);
  for (let i = 0, o = 0; i < values.length; i++) {
    if (mask ? mask[i] === 0 : values[i] === 0) continue;
    positions[o] = i;
    codes[o++] = codeOf.get(bitsOf[i])!;
  }
  return { bits: bitsFor(centroids.length), centroids, positions, codes };
}

/**
 * Bytes the indices of `cb` would take at best, entropy-coded over the whole tensor of `size`
 * elements (the other elements one more symbol), plus its centroids at `centroidBytes` each: what
 * planning the coded layouts can be skipped against.
 */
export function exactCodebookBound(cb: Codebook, size: number, centroidBytes: number): number {
  const counts = new Float64Array(cb.centroids.length + 1);
  for (const c of cb.codes) counts[c]++;
  counts[cb.centroids.length] = size - cb.codes.length;
  return (entropyOf(counts) * size) / 8 + cb.centroids.length * centroidBytes;
}
