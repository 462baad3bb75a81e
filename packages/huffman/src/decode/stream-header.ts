/**
 * The table at the start of every Huffman stream (see docs/format.md, "huffman encoding"):
 *
 * - 1 byte: the longest code length `L` (0 for an empty stream, else 1..15);
 * - LEB128 varint: `n`, the number of symbols described (symbols `0 .. n-1`), 1..65536;
 * - `ceil(n / 2)` bytes: the code length of each symbol in 4 bits, symbol `2i` in the low nibble
 *   of byte `i`, `2i + 1` in the high nibble; 0 means the symbol does not occur.
 */
import { DcError } from '@dc/core';

/** A stream's code table. */
export interface StreamTable {
  /** Longest code length (0 for an empty stream). */
  readonly maxLength: number;
  /** Code length per symbol (0: unused). */
  readonly lengths: Uint8Array;
  /** Bytes the table took; the coded bits start there. */
  readonly bytes: number;
}

function corrupt(why: string): never {
  throw new DcError('CORRUPT_STREAM', `huffman stream: ${why}`);
}

/** Reads the table of a Huffman stream whose symbols have at most `bits` bits. */
export function readStreamTable(data: Uint8Array, bits: number): StreamTable {
  if (data.length < 1) corrupt('empty');
  const maxLength = data[0];
  if (maxLength === 0) return { maxLength, lengths: new Uint8Array(0), bytes: 1 };
  if (maxLength > 15) corrupt(`code length ${maxLength} above 15`);
  let n = 0;
  let p = 1;
  for (let shift = 0; ; shift += 7) {
    if (p >= data.length || shift > 21) corrupt('bad symbol count');
    const b = data[p++];
    n += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) {
      if (b === 0 && shift > 0) corrupt('symbol count not in its shortest LEB128 form');
      break;
    }
  }
  if (n < 1 || n > 2 ** bits) corrupt(`${n} symbols described for ${bits}-bit symbols`);
  const end = p + Math.ceil(n / 2);
  if (end > data.length) corrupt('code lengths run past the end');
  if (n % 2 === 1 && data[end - 1] >> 4 !== 0) corrupt('the unused high nibble after the last code length is not zero');
  const lengths = new Uint8Array(n);
  let longest = 0;
  for (let s = 0; s < n; s++) {
    const len = (data[p + (s >> 1)] >> ((s & 1) * 4)) & 15;
    lengths[s] = len;
    if (len > longest) longest = len;
  }
  if (lengths[n - 1] === 0) corrupt(`symbol ${n - 1}, the last one described, has no code (n must be as small as possible)`);
  if (longest !== maxLength) corrupt(`longest code ${longest} differs from the stated ${maxLength}`);
  checkComplete(lengths);
  return { maxLength, lengths, bytes: end };
}

/**
 * `CORRUPT_STREAM` unless the code lengths fill the code space exactly (Kraft sum 1), as an
 * optimal code does; the one exception is a single used symbol, whose code is 1 bit.
 */
function checkComplete(lengths: Uint8Array): void {
  let used = 0;
  let space = 0; // in units of 2^-15
  for (const len of lengths) {
    if (len === 0) continue;
    used++;
    space += 2 ** (15 - len);
  }
  if (used === 1 ? space !== 2 ** 14 : space !== 2 ** 15) corrupt(`code lengths fill ${space / 2 ** 15} of the code space, not all of it`);
}

/** Writes the table of a stream: `lengths` per symbol (trailing unused symbols may be omitted). */
export function writeStreamTable(lengths: ArrayLike<number>): Uint8Array {
  let n = lengths.length;
  while (n > 0 && lengths[n - 1] === 0) n--;
  if (n === 0) return Uint8Array.of(0);
  const varint: number[] = [];
  let v = n;
  do {
    varint.push((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v = Math.floor(v / 128);
  } while (v > 0);
  const out = new Uint8Array(1 + varint.length + Math.ceil(n / 2));
  let maxLength = 0;
  for (let s = 0; s < n; s++) maxLength = Math.max(maxLength, lengths[s]);
  out[0] = maxLength;
  out.set(varint, 1);
  const p = 1 + varint.length;
  for (let s = 0; s < n; s++) out[p + (s >> 1)] |= lengths[s] << ((s & 1) * 4);
  return out;
}
