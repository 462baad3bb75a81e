/** Canonical Huffman encoding of a symbol stream (table + LSB-first code bits). */
import { histogram, type EncodedStream, type StreamCoder, type StreamEncoder, type Symbols } from '@dc/core';
import { canonicalCodes, MAX_CODE_LENGTH, reverseBits } from '../decode/canonical.js';
import { HUFFMAN_ENCODING, huffmanDecoder } from '../decode/index.js';
import { writeStreamTable } from '../decode/stream-header.js';
import { limitedCodeLengths } from './code-lengths.js';

/**
 * Huffman-codes `symbols` (each `< 2 ** bits`, `bits <= 16`) with code lengths limited to 15.
 * Returns `undefined` when no such code exists (more than 32768 distinct symbols).
 */
export function encodeHuffman(symbols: Symbols | ArrayLike<number>, bits: number): EncodedStream | undefined {
  const freq = histogram(symbols, bits);
  const lengths = limitedCodeLengths(freq, MAX_CODE_LENGTH);
  if (!lengths) return undefined;
  const table = writeStreamTable(lengths);
  const codes = canonicalCodes(lengths)!;
  const rev = new Uint16Array(codes.length);
  let total = 0;
  for (let s = 0; s < codes.length; s++) {
    if (lengths[s] > 0) rev[s] = reverseBits(codes[s], lengths[s]);
    total += freq[s] * lengths[s];
  }
  const data = new Uint8Array(table.length + Math.ceil(total / 8));
  data.set(table, 0);
  let o = table.length;
  let acc = 0;
  let have = 0;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i];
    acc |= rev[s] << have;
    have += lengths[s];
    while (have >= 8) {
      data[o++] = acc & 0xff;
      acc >>>= 8;
      have -= 8;
    }
  }
  if (have > 0) data[o] = acc & 0xff;
  return { data, tableBytes: table.length };
}

/** Encoder of `huffman` streams for `encodeContainer(input, { encoders: [huffmanEncoder] })`. */
export const huffmanEncoder: StreamEncoder = Object.freeze({
  encoding: HUFFMAN_ENCODING,
  decoderModule: '@dc/huffman/decode',
  encodeSymbols: (symbols: Symbols, bits: number) => encodeHuffman(symbols, bits),
});

/**
 * The Huffman encoder and decoder in one object, for the file-writing stage:
 * `encodeFile({ coders: [huffmanCoder] })` (what `huffmanEncode()` is).
 */
export const huffmanCoder: StreamCoder = Object.freeze({ ...huffmanDecoder, ...huffmanEncoder });
