/**
 * `@dc/rans/decode`: the rANS decoder alone, for runtimes that only read files. Imports nothing
 * but `@dc/core` types and errors.
 *
 * ```ts
 * import { decodeContainer } from '@dc/core';
 * import { huffmanDecoder } from '@dc/huffman/decode';
 * import { ransDecoder } from '@dc/rans/decode';
 * const model = decodeContainer(bytes, { decoders: [huffmanDecoder, ransDecoder] });
 * ```
 */
import type { StreamDecoder } from '@dc/core';
import { readStreamTables } from './stream-table.js';
import { decodeRans } from './rans-decode.js';

export { decodeRans, RANS_L } from './rans-decode.js';
export { readStreamTables, writeStreamTables, streamTablesBytes, tableCost, MAX_SCALE_BITS, MAX_GOLOMB_ORDER, type StreamTables } from './stream-table.js';
export { golombBits } from './bit-io.js';

/** The encoding name rANS-coded streams carry in `.dcm` headers. */
export const RANS_ENCODING = 'rans';

/** Decoder of `rans` streams, to pass to `decodeContainer(bytes, { decoders: [ransDecoder] })`. */
export const ransDecoder: StreamDecoder = Object.freeze({
  encoding: RANS_ENCODING,
  decodeSymbols: decodeRans,
  tableBytes: (data: Uint8Array, bits: number) => readStreamTables(data, bits).bytes,
});
