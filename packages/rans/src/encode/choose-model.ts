/**
 * Choosing a stream's model: the scale `S` and one frequency table (order 0), or two tables split
 * by a threshold on the previous symbol, whichever codes the stream in the fewest bytes.
 */
import { histogram } from '@dc/core';
import { STATE_BYTES } from '../decode/rans-decode.js';
import { MAX_SCALE_BITS, streamTablesBytes } from '../decode/stream-table.js';
import { codedBits, quantizeFrequencies } from './quantize.js';

/** A stream's model: what the encoder codes with and the stream header records. */
export interface StreamModel {
  readonly scaleBits: number;
  /** 0: one table; else table 1 codes the symbols whose predecessor is `>= threshold`. */
  readonly threshold: number;
  readonly tables: readonly Uint32Array[];
  /** Estimated bytes of the whole stream (tables, states and payload). */
  readonly bytes: number;
}

/** Contexts are tried for alphabets up to this size (the pair counts are n × n). */
const MAX_CONTEXT_ALPHABET = 256;
/** ... and streams at least this long (a second table rarely pays for itself below). */
const MIN_CONTEXT_SYMBOLS = 512;

/** Counts trimmed after the last symbol that occurs. */
function trimmed(counts: Uint32Array): Uint32Array {
  let n = counts.length;
  while (n > 0 && counts[n - 1] === 0) n--;
  return counts.subarray(0, n);
}

/** The best scale for `counts` per context (the same scale for all), or `undefined` if none fits. */
function bestScale(contexts: readonly Uint32Array[], count: number, threshold: number): StreamModel | undefined {
  const used = Math.max(...contexts.map((c) => c.reduce((n, f) => n + (f > 0 ? 1 : 0), 0)));
  const lowest = Math.max(1, Math.ceil(Math.log2(used)));
  // More precision than the stream has symbols buys nothing.
  const highest = Math.min(MAX_SCALE_BITS, Math.max(lowest, Math.ceil(Math.log2(count)) + 1));
  let best: StreamModel | undefined;
  for (let scaleBits = lowest; scaleBits <= highest; scaleBits++) {
    const tables = contexts.map((c) => quantizeFrequencies(c, scaleBits));
    if (tables.some((t) => !t)) continue;
    const payload = contexts.reduce((n, c, i) => n + codedBits(c, tables[i]!, scaleBits), 0);
    const bytes = streamTablesBytes(threshold, tables as Uint32Array[]) + STATE_BYTES + Math.ceil(payload / 8);
    if (!best || bytes < best.bytes) best = { scaleBits, threshold, tables: tables as Uint32Array[], bytes };
  }
  return best;
}

/** Empirical entropy in bits of counts (for ranking thresholds). */
function bitsOf(counts: ArrayLike<number>, total: number): number {
  let h = 0;
  for (let s = 0; s < counts.length; s++) if (counts[s] > 0) h -= counts[s] * Math.log2(counts[s] / total);
  return h;
}

/** The threshold on the previous symbol that leaves the least conditional entropy (0: none helps). */
function bestThreshold(symbols: ArrayLike<number>, n: number): number {
  const pairs = new Uint32Array(n * n); // pairs[prev * n + cur]
  for (let i = 1; i < symbols.length; i++) pairs[symbols[i - 1] * n + symbols[i]]++;
  // low: counts after predecessors below t (plus the first symbol); high: the rest.
  const low = new Float64Array(n);
  const high = new Float64Array(n);
  for (let prev = 0; prev < n; prev++) for (let s = 0; s < n; s++) high[s] += pairs[prev * n + s];
  low[symbols[0]]++;
  let lowTotal = 1;
  let highTotal = symbols.length - 1;
  let best = { threshold: 0, bits: bitsOf(histogram(symbols, Math.ceil(Math.log2(Math.max(2, n)))), symbols.length) };
  for (let t = 1; t < n; t++) {
    for (let s = 0; s < n; s++) {
      const c = pairs[(t - 1) * n + s];
      low[s] += c;
      high[s] -= c;
      lowTotal += c;
      highTotal -= c;
    }
    if (highTotal === 0) break;
    const bits = bitsOf(low, lowTotal) + bitsOf(high, highTotal);
    if (bits < best.bits) best = { threshold: t, bits };
  }
  return best.threshold;
}

/** The model that codes `symbols` (each `< 2 ** bits`) in the fewest bytes. */
export function chooseModel(symbols: ArrayLike<number>, bits: number): StreamModel | undefined {
  const counts = trimmed(histogram(symbols, bits));
  const order0 = bestScale([counts], symbols.length, 0);
  const n = counts.length;
  if (n > MAX_CONTEXT_ALPHABET || symbols.length < MIN_CONTEXT_SYMBOLS) return order0;
  const threshold = bestThreshold(symbols, n);
  if (threshold === 0) return order0;
  const split = [new Uint32Array(n), new Uint32Array(n)];
  split[0][symbols[0]]++;
  for (let i = 1; i < symbols.length; i++) split[symbols[i - 1] >= threshold ? 1 : 0][symbols[i]]++;
  const contextual = bestScale(split.map(trimmed), symbols.length, threshold);
  return contextual && (!order0 || contextual.bytes < order0.bytes) ? contextual : order0;
}
