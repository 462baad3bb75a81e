/**
 * Pluggable stream encodings. Core knows `raw` (fixed-width bit packing of symbols, little-endian
 * floats) and `range` (a codebook of consecutive integers); other encodings come as explicit
 * encoder/decoder objects (no global registry), e.g. `huffmanEncoder` from `@dc/huffman` and
 * `huffmanDecoder` from `@dc/huffman/decode`.
 */
import type { Symbols } from './bit-pack.js';

/** The encoding every stream can fall back to: fixed-width packing (symbols) or plain floats. */
export const RAW_ENCODING = 'raw';

/**
 * The built-in encoding of a codebook of consecutive integers (format version 9,
 * integer-range.ts): its first value only. Like `raw` it needs no decoder module.
 */
export const RANGE_ENCODING = 'range';

/** Whether `encoding` is one core reads itself (`raw`, `range`): never listed under `decoders`, never a plug-in's name. */
export function isBuiltInEncoding(encoding: string): boolean {
  return encoding === RAW_ENCODING || encoding === RANGE_ENCODING;
}

/** What an encoder made of a symbol stream. */
export interface EncodedStream {
  /** The stored bytes, self-contained (tables included). */
  readonly data: Uint8Array;
  /** How many of `data`'s bytes are tables (e.g. Huffman code lengths), for reports. */
  readonly tableBytes: number;
}

/** Encodes symbol streams (code indices, index gaps) for {@link encodeContainer}. */
export interface StreamEncoder {
  /** The encoding name written into the file, e.g. `huffman`. */
  readonly encoding: string;
  /** The module a reader needs to decode it, e.g. `@dc/huffman/decode` (named in `UNKNOWN_ENCODING`). */
  readonly decoderModule: string;
  /**
   * Encodes `symbols` (each `< 2 ** bits`). Return `undefined` when this encoding does not apply;
   * the container keeps whichever of raw and the encoders' outputs is smallest.
   */
  encodeSymbols(symbols: Symbols, bits: number): EncodedStream | undefined;
}

/** Decodes symbol streams for {@link decodeContainer}. */
export interface StreamDecoder {
  /** The encoding name it reads, as written in the file. */
  readonly encoding: string;
  /**
   * Decodes exactly `count` symbols of at most `bits` bits from `data` (Uint8Array when
   * `bits <= 8`, else Uint16Array). Must throw `DcError('CORRUPT_STREAM')` on malformed data,
   * never return a wrong-sized result.
   */
  decodeSymbols(data: Uint8Array, count: number, bits: number): Symbols;
  /**
   * Optional, for reports (`describeContainer`): how many of `data`'s bytes are tables (e.g.
   * code lengths) rather than coded symbols. May throw on malformed data.
   */
  tableBytes?(data: Uint8Array, bits: number): number;
}

/**
 * An encoder and its decoder in one object (e.g. `huffmanCoder` from `@dc/huffman`): what the
 * file-writing stage takes, since it decodes every file it writes to check it.
 */
export type StreamCoder = StreamEncoder & StreamDecoder;
