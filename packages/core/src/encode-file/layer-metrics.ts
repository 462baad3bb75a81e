/**
 * The per-layer figures of the paper's tables 2 and 3, computed from how each tensor was stored:
 * kept %, bits per kept weight for the weights and the indices with fixed-width codes and after
 * entropy coding (Huffman in the paper), and the stored size as a fraction of float32.
 */
import type { StreamEncoding } from '../container/plan-stream.js';
import type { TensorEncoding } from '../container/plan-tensor.js';
import type { JsonValue } from '../json.js';
import { tensorMetricRow } from '../tensor-metrics.js';
import { entropyOf, histogram } from './entropy.js';

/** Rounds to `digits` decimals (reports). */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Stored bits of the tensor's streams with one of `roles`. */
function streamBits(t: TensorEncoding, roles: readonly string[]): number {
  return t.streams.filter((s) => roles.includes(s.role)).reduce((n, s) => n + s.data.length * 8, 0);
}

/** Entropy (bits per symbol) of a symbol stream. */
function streamEntropy(s: StreamEncoding | undefined): number | null {
  if (!s?.symbols || s.bits === undefined) return null;
  return round(entropyOf(histogram(s.symbols, s.bits)));
}

/**
 * One row of the per-layer table, for a kernel (biases are counted in the totals): core's
 * `TensorMetricRow` (`tensor`, `params`, `kept` as a count, `keptFraction`, `bits` per code when
 * the tensor is stored as codebook indices) and how it was stored. `coded` is the
 * tensor as written (entropy-coded where smaller), `fixed` the same tensor written with fixed-width codes
 * only (each with its own best layout and index width). Bits are per kept weight, as in the paper;
 * dense layouts have no index bits.
 */
export function layerRow(coded: TensorEncoding, fixed: TensorEncoding, kept: number): { [key: string]: JsonValue } {
  const size = coded.shape.reduce((a, b) => a * b, 1);
  const per = (bits: number) => (kept === 0 ? null : round(bits / kept));
  const codes = coded.streams.find((s) => s.role === 'codes');
  const gaps = coded.streams.find((s) => s.role === 'gaps');
  const weights = ['codes', 'values']; // codebooks count in ofOriginal, as in the paper
  return {
    ...tensorMetricRow(coded.key, size, kept, codes?.bits),
    layout: coded.layout,
    gapBits: coded.gapBits ?? null,
    order: coded.order ?? null,
    fixed: { layout: fixed.layout, gapBits: fixed.gapBits ?? null, order: fixed.order ?? null },
    weightBits: { fixed: per(streamBits(fixed, weights)), coded: per(streamBits(coded, weights)) },
    indexBits: { fixed: per(streamBits(fixed, ['gaps'])), coded: per(streamBits(coded, ['gaps'])) },
    ofOriginal: size === 0 ? null : { fixed: round(fixed.bytes / (4 * size)), coded: round(coded.bytes / (4 * size)) },
    bytes: coded.bytes,
    entropy: { codes: streamEntropy(codes), gaps: streamEntropy(gaps) },
    tableBytes: coded.streams.reduce((n, s) => n + s.tableBytes, 0),
    encodings: Object.fromEntries(coded.streams.map((s) => [s.role, s.encoding])),
  };
}
