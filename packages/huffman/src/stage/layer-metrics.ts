/**
 * The per-layer figures of the paper's tables 2 and 3, computed from how each tensor was stored:
 * kept %, bits per kept weight for the weights and the indices (fixed-width / after Huffman), and
 * the stored size as a fraction of float32.
 */
import type { JsonValue, StreamEncoding, TensorEncoding } from '@dc/core';
import { histogram } from '../encode/huffman-encode.js';
import { entropyOf } from '../encode/entropy.js';

/** Bits per entry of a stream: raw (fixed width) and as stored. */
function perEntry(s: StreamEncoding | undefined, entries: number): { fixed: number; huffman: number } | null {
  if (!s || entries === 0) return null;
  return { fixed: round((s.rawBytes * 8) / entries), huffman: round((s.data.length * 8) / entries) };
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Entropy (bits per symbol) of a symbol stream. */
function streamEntropy(s: StreamEncoding | undefined): number | null {
  if (!s?.symbols || s.bits === undefined) return null;
  return round(entropyOf(histogram(s.symbols, s.bits)));
}

/** One row of the per-layer table, for a kernel (biases are counted in the totals). */
export function layerRow(t: TensorEncoding, nonzeros: number): { [key: string]: JsonValue } {
  const size = t.shape.reduce((a, b) => a * b, 1);
  const weights = t.streams.find((s) => s.role === 'codes' || s.role === 'values');
  const gaps = t.streams.find((s) => s.role === 'gaps');
  const codes = t.streams.find((s) => s.role === 'codes');
  const rawBytes = t.streams.reduce((n, s) => n + s.rawBytes, 0);
  return {
    tensor: t.key,
    layout: t.layout,
    weights: size,
    kept: size === 0 ? null : round(nonzeros / size),
    gapBits: t.gapBits ?? null,
    codeBits: codes?.bits ?? null,
    // Bits per stored entry: for sparse layouts per kept weight, for dense ones per element.
    weightBits: perEntry(weights, t.entries),
    indexBits: perEntry(gaps, t.entries),
    ofOriginal: size === 0 ? null : { fixed: round(rawBytes / (4 * size)), huffman: round(t.bytes / (4 * size)) },
    bytes: t.bytes,
    entropy: { codes: streamEntropy(codes), gaps: streamEntropy(gaps) },
    tableBytes: t.streams.reduce((n, s) => n + s.tableBytes, 0),
    encodings: Object.fromEntries(t.streams.map((s) => [s.role, s.encoding])),
  };
}
