/**
 * Per-channel scales of a coded tensor (format version 5, docs/format.md §9.3): one float per
 * channel, the channels being the last `j` axes of the tensor taken together (C = the product of
 * those extents), so the element at row-major position `p` belongs to channel `p mod C` and its
 * value is `float32(scales[p mod C] × codebook[code])`. A conv kernel `[kh, kw, in, out]` scaled per
 * output channel has C = out; a depthwise kernel `[kh, kw, c, m]` per output channel C = c·m.
 *
 * Readers expand a scaled tensor into the in-memory forms runtimes already take: a codebook of
 * C·K entries (`scales[c] × codebook[k]`) with codes `c·K + k`, or float values where C·K passes
 * the 65,536 entries a code may index.
 */
import type { CompressedTensor } from '../compressed.js';
import { DcError } from '../errors/dc-error.js';
import { MAX_CODEBOOK_ENTRIES } from './limits.js';

/** Whether `channels` is the product of the last `j ≥ 1` extents of `shape` (a valid scale count). */
export function isChannelCount(shape: readonly number[], channels: number): boolean {
  let product = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    product *= shape[j];
    if (product === channels) return true;
    if (product > channels) return false;
  }
  return false;
}

/** The value of a scaled code: `scale × centroid`, rounded to float32 (the only rounding). */
export function scaledValue(scale: number, centroid: number): number {
  return Math.fround(scale * centroid);
}

function checkFinite(key: string, at: number, v: number): void {
  if (!Number.isFinite(v)) throw new DcError('NON_FINITE_VALUE', `tensor ${key}: scale × centroid at expanded entry ${at} is ${v} in float32`, { tensor: key });
}

/**
 * A coded tensor (`dense-coded` / `sparse-coded`, codes into `K` centroids) with `scales` applied
 * (see the module comment): coded with C·K entries when they fit 16-bit codes, else float values.
 * `NON_FINITE_VALUE` when a product overflows float32.
 */
export function applyChannelScales(key: string, t: CompressedTensor, scales: Float32Array): CompressedTensor {
  if (t.layout !== 'dense-coded' && t.layout !== 'sparse-coded') return t;
  const c = scales.length;
  const k = t.codebook.length;
  const positionOf = t.layout === 'sparse-coded' ? (i: number) => t.positions[i] : (i: number) => i;
  if (c * k <= MAX_CODEBOOK_ENTRIES) {
    const codebook = new Float32Array(c * k);
    for (let ch = 0; ch < c; ch++) {
      for (let j = 0; j < k; j++) {
        const v = scaledValue(scales[ch], t.codebook[j]);
        checkFinite(key, ch * k + j, v);
        codebook[ch * k + j] = v;
      }
    }
    const codes = c * k <= 256 ? new Uint8Array(t.codes.length) : new Uint16Array(t.codes.length);
    for (let i = 0; i < t.codes.length; i++) codes[i] = (positionOf(i) % c) * k + t.codes[i];
    return t.layout === 'dense-coded' ? { layout: 'dense-coded', shape: t.shape, codebook, codes } : { layout: 'sparse-coded', shape: t.shape, positions: t.positions, codebook, codes };
  }
  const values = new Float32Array(t.codes.length);
  for (let i = 0; i < values.length; i++) {
    values[i] = scaledValue(scales[positionOf(i) % c], t.codebook[t.codes[i]]);
    checkFinite(key, i, values[i]);
  }
  return t.layout === 'dense-coded' ? { layout: 'dense', shape: t.shape, values } : { layout: 'sparse', shape: t.shape, positions: t.positions, values };
}
