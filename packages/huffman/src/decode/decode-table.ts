/**
 * Single-level lookup table of a canonical code: indexed by the next `maxLength` bits of the
 * stream (LSB-first), each entry holds `symbol << 4 | length`; 0 marks a bit pattern that starts
 * no code (possible only for incomplete codes, which only a corrupted stream would use).
 */
import { DcError } from '@dc/core';
import { canonicalCodes, reverseBits } from './canonical.js';

/** Builds the lookup table of `lengths` (longest `maxLength`, at most 15). */
export function buildDecodeTable(lengths: Uint8Array, maxLength: number): Uint32Array {
  const codes = canonicalCodes(lengths);
  if (!codes) throw new DcError('CORRUPT_STREAM', 'huffman stream: code lengths over-subscribe the code space');
  const size = 1 << maxLength;
  const table = new Uint32Array(size);
  for (let s = 0; s < lengths.length; s++) {
    const len = lengths[s];
    if (len === 0) continue;
    const entry = (s << 4) | len;
    for (let i = reverseBits(codes[s], len); i < size; i += 1 << len) table[i] = entry;
  }
  return table;
}
