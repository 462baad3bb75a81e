import { createRandom } from '@dc/core';
import { thrownErrorCode as codeOf } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { encodeHuffman } from '../encode/huffman-encode.js';
import { decodeHuffman } from './huffman-decode.js';

/** A stream of `n` symbols from a skewed 6-symbol alphabet whose code bits do not end on a byte. */
function sample(): { symbols: Uint8Array; data: Uint8Array; padBits: number } {
  const r = createRandom(3);
  for (let n = 100; ; n++) {
    const symbols = Uint8Array.from({ length: n }, () => Math.min(5, Math.floor(-Math.log2(1 - r.next()))));
    const { data, tableBytes } = encodeHuffman(symbols, 3)!;
    let bits = 0;
    const lengths = [...data.subarray(2, tableBytes)].flatMap((b) => [b & 15, b >> 4]);
    for (const s of symbols) bits += lengths[s];
    if (bits % 8 !== 0) return { symbols, data, padBits: 8 - (bits % 8) };
  }
}

describe('Huffman decoder strictness (docs/format.md §5)', () => {
  const { symbols, data, padBits } = sample();

  it('decodes the unedited stream', () => {
    expect([...decodeHuffman(data, symbols.length, 3)]).toEqual([...symbols]);
  });

  it('CORRUPT_STREAM for a non-zero padding bit after the last symbol', () => {
    for (let b = 0; b < padBits; b++) {
      const bad = data.slice();
      bad[bad.length - 1] |= 0x80 >> b;
      expect([b, codeOf(() => decodeHuffman(bad, symbols.length, 3))]).toEqual([b, 'CORRUPT_STREAM']);
    }
  });

  it('CORRUPT_STREAM for bytes after the last symbol, even zero bytes', () => {
    for (const extra of [[0], [0, 0, 0, 0, 0], [0xff]]) {
      const longer = Uint8Array.from([...data, ...extra]);
      expect([extra, codeOf(() => decodeHuffman(longer, symbols.length, 3))]).toEqual([extra, 'CORRUPT_STREAM']);
    }
    expect(codeOf(() => decodeHuffman(Uint8Array.of(0, 0), 0, 3))).toBe('CORRUPT_STREAM'); // the empty stream is 1 byte
    expect(codeOf(() => decodeHuffman(Uint8Array.of(0), 0, 3))).toBe('no error');
  });

  it('CORRUPT_STREAM for a code table that is not in its one canonical form', () => {
    // Two symbols, 1-bit codes each, one symbol of payload: L=1, n=2, lengths 0x11, payload 0.
    expect([...decodeHuffman(Uint8Array.of(1, 2, 0x11, 0b0), 1, 3)]).toEqual([0]);
    const cases: Array<[string, number[]]> = [
      ['n as a two-byte varint', [1, 0x82, 0x00, 0x11, 0b0]],
      ['a trailing symbol without a code', [1, 3, 0x11, 0x00, 0b0]],
      ['a non-zero high nibble after an odd n', [1, 1, 0x11, 0b0]],
      ['an incomplete code (lengths 1 and 2)', [2, 2, 0x21, 0b0]],
      ['a single symbol with a 2-bit code', [2, 1, 0x02, 0b0]],
      ['a table for a stream of no symbols', [1, 1, 0x01]],
    ];
    for (const [what, bytes] of cases) {
      const count = what.includes('no symbols') ? 0 : 1;
      expect([what, codeOf(() => decodeHuffman(Uint8Array.from(bytes), count, 3))]).toEqual([what, 'CORRUPT_STREAM']);
    }
  });
});
