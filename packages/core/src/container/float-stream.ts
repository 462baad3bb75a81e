/**
 * Float value streams (`f32`, `f16`), little-endian. On little-endian hosts (all current JS
 * engines in practice) an aligned `f32` section is returned as a zero-copy view of the file.
 */
import { DcError } from '../errors/dc-error.js';
import { float16Table, fromFloat16Bits, toFloat16Bits } from './float16.js';

/** True on little-endian hosts. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of `values` as float32 or float16. */
export function encodeFloats(values: ArrayLike<number>, type: 'f32' | 'f16'): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * (type === 'f32' ? 4 : 2));
  const view = new DataView(out.buffer);
  if (type === 'f32') {
    if (LITTLE_ENDIAN) new Float32Array(out.buffer).set(values);
    else for (let i = 0; i < n; i++) view.setFloat32(i * 4, values[i], true);
  } else {
    for (let i = 0; i < n; i++) view.setUint16(i * 2, toFloat16Bits(values[i]), true);
  }
  return out;
}

/** The float32 values of a `count`-value section; `CORRUPT_STREAM` if its length does not match. */
export function decodeFloats(section: Uint8Array, count: number, type: 'f32' | 'f16'): Float32Array {
  const width = type === 'f32' ? 4 : 2;
  if (section.length !== count * width) {
    throw new DcError('CORRUPT_STREAM', `a ${type} section of ${count} values must be ${count * width} bytes, not ${section.length}`);
  }
  if (type === 'f32' && LITTLE_ENDIAN && section.byteOffset % 4 === 0) return new Float32Array(section.buffer, section.byteOffset, count);
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  const out = new Float32Array(count);
  if (type === 'f32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  else {
    const halves = float16Table();
    for (let i = 0; i < count; i++) out[i] = halves[view.getUint16(i * 2, true)];
  }
  return out;
}

/**
 * The index of the first value of `values` that is NaN or infinite once stored as `type`
 * (float16 overflows to infinity from ±65520 on), or -1 when all are finite.
 */
export function firstNonFinite(values: ArrayLike<number>, type: 'f32' | 'f16' = 'f32'): number {
  for (let i = 0; i < values.length; i++) {
    const v = type === 'f16' ? fromFloat16Bits(toFloat16Bits(values[i])) : values[i];
    if (!Number.isFinite(v)) return i;
  }
  return -1;
}
