/** Encodes one stream, keeping the smallest of `raw` and the given encoders. */
import { packBits, type Symbols } from './bit-pack.js';
import { encodeFloatPlanes } from './float-planes.js';
import { encodeFloats } from './float-stream.js';
import type { StreamRole, StreamType } from './header.js';
import { RAW_ENCODING, type StreamEncoder } from './stream-codec.js';

/** One stream as it will be stored, with what reports need to know about it. */
export interface StreamEncoding {
  readonly role: StreamRole;
  readonly type: StreamType;
  /** Symbol width, for `symbols` streams. */
  readonly bits?: number;
  readonly count: number;
  /** The encoding chosen (`raw` or an encoder's name). */
  readonly encoding: string;
  /** The stored bytes. */
  readonly data: Uint8Array;
  /** Bytes the stream would take stored `raw` (fixed-width or plain floats). */
  readonly rawBytes: number;
  /** Bytes of `data` that are code tables. */
  readonly tableBytes: number;
  /** The symbols, for `symbols` streams (for entropy figures). */
  readonly symbols?: Symbols;
}

/** Encodes a symbol stream with whichever of raw and `encoders` gives the fewest bytes (raw on ties). */
export function planSymbols(role: StreamRole, symbols: Symbols, bits: number, encoders: readonly StreamEncoder[]): StreamEncoding {
  const raw = packBits(symbols, bits);
  let best: StreamEncoding = { role, type: 'symbols', bits, count: symbols.length, encoding: RAW_ENCODING, data: raw, rawBytes: raw.length, tableBytes: 0, symbols };
  for (const encoder of encoders) {
    const out = encoder.encodeSymbols(symbols, bits);
    if (out && out.data.length < best.data.length) best = { ...best, encoding: encoder.encoding, data: out.data, tableBytes: out.tableBytes };
  }
  return best;
}

/**
 * A float stream: raw, or (given `planeEncoders`, format version 6) as byte planes coded by
 * whichever of them gives the fewest bytes (float-planes.ts); raw on ties.
 */
export function planFloats(role: StreamRole, values: ArrayLike<number>, type: 'f32' | 'f16', planeEncoders: readonly StreamEncoder[] = []): StreamEncoding {
  const data = encodeFloats(values, type);
  let best: StreamEncoding = { role, type, count: values.length, encoding: RAW_ENCODING, data, rawBytes: data.length, tableBytes: 0 };
  for (const encoder of planeEncoders) {
    const out = encodeFloatPlanes(values, type, encoder);
    if (out && out.data.length < best.data.length) best = { ...best, encoding: encoder.encoding, data: out.data, tableBytes: out.tableBytes };
  }
  return best;
}

/** Total stored bytes of some streams. */
export function storedBytes(streams: readonly StreamEncoding[]): number {
  return streams.reduce((n, s) => n + s.data.length, 0);
}
