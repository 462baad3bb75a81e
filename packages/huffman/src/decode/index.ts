/**
 * `@dc/huffman/decode`: the Huffman decoder alone, for runtimes that only read files. Imports
 * nothing but `@dc/core` types and errors.
 *
 * ```ts
 * import { decodeContainer } from '@dc/core';
 * import { huffmanDecoder } from '@dc/huffman/decode';
 * const model = decodeContainer(bytes, { decoders: [huffmanDecoder] });
 * ```
 */
import type { StreamDecoder } from '@dc/core';
import { decodeHuffman } from './huffman-decode.js';
import { readStreamTable } from './stream-header.js';

export { decodeHuffman } from './huffman-decode.js';
export { buildDecodeTable } from './decode-table.js';
export { canonicalCodes, reverseBits, MAX_CODE_LENGTH } from './canonical.js';
export { readStreamTable, writeStreamTable, type StreamTable } from './stream-header.js';

/** The encoding name Huffman-coded streams carry in `.dcm` headers. */
export const HUFFMAN_ENCODING = 'huffman';

/** Decoder of `huffman` streams, to pass to `decodeContainer(bytes, { decoders: [huffmanDecoder] })`. */
export const huffmanDecoder: StreamDecoder = Object.freeze({
  encoding: HUFFMAN_ENCODING,
  decodeSymbols: decodeHuffman,
  tableBytes: (data: Uint8Array, bits: number) => readStreamTable(data, bits).bytes,
});
