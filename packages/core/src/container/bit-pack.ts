/**
 * Fixed-width bit packing of symbol streams (the `raw` encoding of a symbol stream): symbol `i`
 * occupies bits `[i·bits, (i+1)·bits)` of the stream read as one little-endian bit string, i.e.
 * least significant bit first within each byte.
 */
import { DcError } from '../errors/dc-error.js';

/** A stream of unsigned symbols, one element per symbol. */
export type Symbols = Uint8Array | Uint16Array;

/** Bytes needed to pack `count` symbols of `bits` bits. */
export function packedLength(count: number, bits: number): number {
  return Math.ceil((count * bits) / 8);
}

/** A symbol array of the right width for `bits` (Uint8Array up to 8 bits, else Uint16Array). */
export function allocSymbols(count: number, bits: number): Symbols {
  return bits <= 8 ? new Uint8Array(count) : new Uint16Array(count);
}

/** Packs symbols (each `< 2 ** bits`, `1 <= bits <= 16`) LSB-first. */
export function packBits(symbols: ArrayLike<number>, bits: number): Uint8Array {
  const out = new Uint8Array(packedLength(symbols.length, bits));
  let acc = 0;
  let n = 0;
  let o = 0;
  for (let i = 0; i < symbols.length; i++) {
    acc |= symbols[i] << n;
    n += bits;
    while (n >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      n -= 8;
    }
  }
  if (n > 0) out[o] = acc & 0xff;
  return out;
}

/** Unpacks `count` symbols of `bits` bits; `CORRUPT_STREAM` if `data` is too short. */
export function unpackBits(data: Uint8Array, count: number, bits: number): Symbols {
  if (data.length < packedLength(count, bits)) {
    throw new DcError('CORRUPT_STREAM', `packed stream of ${data.length} bytes is too short for ${count} symbols of ${bits} bits`);
  }
  if (bits === 8) return data.slice(0, count);
  const out = allocSymbols(count, bits);
  const mask = (1 << bits) - 1;
  let acc = 0;
  let n = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    while (n < bits) {
      acc |= data[p++] << n;
      n += 8;
    }
    out[i] = acc & mask;
    acc >>>= bits;
    n -= bits;
  }
  return out;
}

/**
 * Smallest width (at least 1) that holds symbols `0 .. alphabet - 1`, for any alphabet a header
 * can state (a forged one may say 2^32 - 1: `2 ** bits`, unlike `1 << bits`, does not wrap past 31).
 */
export function bitsFor(alphabet: number): number {
  let bits = 1;
  while (2 ** bits < alphabet) bits++;
  return bits;
}
