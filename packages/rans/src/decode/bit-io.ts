/**
 * The bit-level pieces of rANS stream tables: LEB128 varints and order-`k` Exp-Golomb codes in a
 * bit string read least significant bit first (like raw packing).
 *
 * Order-`k` Exp-Golomb code of `v >= 0`: with `w = v + 2^k` and `z = floor(log2 w) - k`: `z` zero
 * bits, a one bit, then the `z + k` bits of `w` below its leading one, least significant first.
 */
import { DcError } from '@dc/core';

function corrupt(why: string): never {
  throw new DcError('CORRUPT_STREAM', `rans stream: ${why}`);
}

/** `floor(log2 w)` of a positive integer below 2^32. */
const log2Floor = (w: number) => 31 - Math.clz32(w);

/** Bits of the order-`k` Exp-Golomb code of `v`. */
export function golombBits(v: number, k: number): number {
  return 2 * log2Floor(v + 2 ** k) - k + 1;
}

/** Bytes of the LEB128 varint of `n`. */
export function varintBytes(n: number): number {
  let bytes = 1;
  for (; n >= 128; n = Math.floor(n / 128)) bytes++;
  return bytes;
}

/** Appends bytes and bits to a buffer sized in advance. */
export class BitWriter {
  private bit = 0;
  constructor(readonly bytes: Uint8Array) {}
  /** Writes a whole byte at the next byte boundary. */
  byte(v: number): void {
    this.bytes[this.align()] = v;
    this.bit += 8;
  }
  varint(n: number): void {
    for (let v = n; ; v = Math.floor(v / 128)) {
      this.byte((v & 0x7f) | (v >= 128 ? 0x80 : 0));
      if (v < 128) break;
    }
  }
  golomb(v: number, k: number): void {
    const w = v + 2 ** k;
    const top = log2Floor(w);
    this.bit += top - k; // the zero bits of the prefix
    this.bits(1, 1);
    this.bits(w - 2 ** top, top);
  }
  /** Moves to the next byte boundary (unused bits stay zero); returns the byte offset. */
  align(): number {
    this.bit = Math.ceil(this.bit / 8) * 8;
    return this.bit / 8;
  }
  private bits(value: number, count: number): void {
    for (let i = 0; i < count; i++, this.bit++) if ((value >>> i) & 1) this.bytes[this.bit >> 3] |= 1 << (this.bit & 7);
  }
}

/** Reads bytes and bits, failing with `CORRUPT_STREAM` past the end. */
export class BitReader {
  private bit: number;
  constructor(
    private readonly data: Uint8Array,
    offset = 0,
  ) {
    this.bit = offset * 8;
  }
  byte(): number {
    const at = this.align();
    if (at >= this.data.length) corrupt('the table ends early');
    this.bit += 8;
    return this.data[at];
  }
  /** A LEB128 varint in its shortest form (no trailing zero group). */
  varint(): number {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 21) corrupt('varint too long');
      const b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) {
        if (b === 0 && shift > 0) corrupt('varint not in its shortest form');
        return n;
      }
    }
  }
  /** An Exp-Golomb code of order `k` whose prefix has at most `maxZeros` zeros. */
  golomb(k: number, maxZeros: number): number {
    let zeros = 0;
    while (this.next() === 0) if (++zeros > maxZeros) corrupt('Exp-Golomb prefix too long');
    let rest = 0;
    for (let i = 0; i < zeros + k; i++) rest += this.next() * 2 ** i;
    return 2 ** (zeros + k) + rest - 2 ** k;
  }
  /** Moves to the next byte boundary over zero bits (`CORRUPT_STREAM` otherwise); returns the byte offset. */
  align(): number {
    while (this.bit % 8 !== 0) if (this.next() !== 0) corrupt('non-zero padding bits in a table');
    return this.bit / 8;
  }
  private next(): number {
    if (this.bit >= this.data.length * 8) corrupt('the table runs past the end');
    const b = (this.data[this.bit >> 3] >> (this.bit & 7)) & 1;
    this.bit++;
    return b;
  }
}
