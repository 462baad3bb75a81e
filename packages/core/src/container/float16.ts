/**
 * IEEE 754 binary16 conversion for the `f16` value streams (option `floatFormat: 'float16'`).
 * Rounds to nearest even; overflow gives ±Infinity; NaN stays NaN.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits of `value`, rounded to nearest even. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  const rest = mant & 0x1fff;
  let h = (e << 10) | (mant >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** The number that binary16 bits `h` stand for. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

let table: Float32Array | undefined;

/**
 * Every binary16 value as float32, indexed by its bits (256 KB, built on first use): decoding a
 * stream by lookup is about 10× faster than {@link fromFloat16Bits} per value.
 */
export function float16Table(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = fromFloat16Bits(h);
  }
  return table;
}

/** The number `value` becomes when stored as binary16 (rounded to nearest even). */
export function roundToFloat16(value: number): number {
  return fromFloat16Bits(toFloat16Bits(value));
}

/** The largest finite binary16 value: anything from 65,520 up rounds to Infinity. */
export const FLOAT16_MAX = 65504;

/**
 * The finite binary16 value nearest `value` (NaN stays NaN): {@link roundToFloat16} with values
 * past ±{@link FLOAT16_MAX} clamped to it instead of overflowing to ±Infinity; for values that an
 * earlier step (e.g. error feedback) may have pushed out of range.
 */
export function roundToFiniteFloat16(value: number): number {
  return roundToFloat16(value > FLOAT16_MAX ? FLOAT16_MAX : value < -FLOAT16_MAX ? -FLOAT16_MAX : value);
}

/** Whether every value survives a trip through float16 unchanged (then `f16` storage is lossless; NaN never does: its payload). */
export function exactInFloat16(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]) || !Object.is(roundToFloat16(values[i]), values[i])) return false;
  return true;
}
