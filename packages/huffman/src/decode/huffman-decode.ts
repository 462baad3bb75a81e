/** Table-driven decoding of a Huffman stream: one lookup per symbol, no tree walk. */
import { DcError } from '@dc/core';
import { buildDecodeTable } from './decode-table.js';
import { readStreamTable } from './stream-header.js';

function corrupt(why: string): never {
  throw new DcError('CORRUPT_STREAM', `huffman stream: ${why}`);
}

/**
 * Decodes exactly `count` symbols of at most `bits` bits from a Huffman stream (table then
 * LSB-first code bits). Throws `CORRUPT_STREAM` on any inconsistency: a stream that ends before
 * `count` symbols, bytes after the last one, or padding bits that are not zero.
 */
export function decodeHuffman(data: Uint8Array, count: number, bits: number): Uint8Array | Uint16Array {
  const { maxLength, lengths, bytes } = readStreamTable(data, bits);
  if (maxLength === 0) {
    if (count !== 0) corrupt(`an empty stream cannot hold ${count} symbols`);
    if (data.length !== 1) corrupt(`an empty stream is 1 byte, not ${data.length}`);
    return bits <= 8 ? new Uint8Array(0) : new Uint16Array(0);
  }
  if (count === 0) corrupt('a stream of 0 symbols is the 1-byte empty stream, without a code table');
  if (count > (data.length - bytes) * 8) corrupt(`${data.length - bytes} bytes cannot hold ${count} symbols`);
  const out = bits <= 8 ? new Uint8Array(count) : new Uint16Array(count);
  const table = buildDecodeTable(lengths, maxLength);
  const mask = (1 << maxLength) - 1;
  const n = data.length;
  let pos = bytes;
  let buf = 0;
  let have = 0;
  let i = 0;
  // Fast loop, while at least 4 bytes are left so that refills need no bounds check. A refill
  // leaves 25..32 bits in `buf`: two symbols when codes are at most 12 bits long, else one.
  const safe = n - 4;
  if (maxLength <= 12) {
    while (i + 1 < count && pos <= safe) {
      while (have <= 24) {
        buf |= data[pos++] << have;
        have += 8;
      }
      let e = table[buf & mask];
      let len = e & 15;
      out[i] = e >>> 4;
      buf >>>= len;
      have -= len;
      if (len === 0) corrupt('bit pattern that starts no code');
      e = table[buf & mask];
      len = e & 15;
      out[i + 1] = e >>> 4;
      buf >>>= len;
      have -= len;
      if (len === 0) corrupt('bit pattern that starts no code');
      i += 2;
    }
  } else {
    while (i < count && pos <= safe) {
      while (have <= 24) {
        buf |= data[pos++] << have;
        have += 8;
      }
      const e = table[buf & mask];
      const len = e & 15;
      if (len === 0) corrupt('bit pattern that starts no code');
      out[i++] = e >>> 4;
      buf >>>= len;
      have -= len;
    }
  }
  // Tail: refill byte by byte, zeros past the end (checked below).
  while (i < count) {
    while (have <= 24) {
      buf |= (pos < n ? data[pos] : 0) << have;
      pos++;
      have += 8;
    }
    const e = table[buf & mask];
    const len = e & 15;
    if (len === 0) corrupt('bit pattern that starts no code');
    out[i++] = e >>> 4;
    buf >>>= len;
    have -= len;
  }
  const end = pos * 8 - have; // bits consumed
  if (end > n * 8) corrupt('the stream ends before its last symbol');
  if (Math.ceil(end / 8) < n) corrupt(`${n - Math.ceil(end / 8)} bytes follow the last symbol`);
  // `buf` starts at bit `end`: the padding bits of the last byte come first.
  if ((buf & ((1 << (n * 8 - end)) - 1)) !== 0) corrupt('the padding bits after the last symbol are not zero');
  return out;
}
