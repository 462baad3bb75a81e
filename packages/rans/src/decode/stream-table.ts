/**
 * The tables at the start of every rANS stream (docs/format.md, "rans encoding"):
 *
 * - 1 byte: `S`, the scale bits (1..15): each table's frequencies sum to `M = 2^S`; 0 for an
 *   empty stream (then nothing follows);
 * - LEB128 varint: `t`, the context threshold: 0 for one table (an order-0 model); from 1 to
 *   `2^bits - 1` for two, table 1 coding the symbols whose predecessor is at least `t` and table 0
 *   the others (and the first symbol);
 * - each table, from a byte boundary: a LEB128 varint `n` (symbols `0 .. n-1` described,
 *   1..2^bits), a byte `k` (0..15), then a bit string: for each symbol `s` of `0 .. n-2`, the
 *   difference `d = f(s) - f(s-1)` of its frequency from the previous symbol's (`f(-1) = 0`),
 *   zigzag-mapped (`2d` for `d >= 0`, else `-2d - 1`) as an order-`k` Exp-Golomb code (bit-io.ts);
 *   zero bits up to the next byte boundary. The frequency of symbol `n-1` is what is left of `M`
 *   and must be at least 1. (Neighbouring symbols have similar counts: index gaps fall off
 *   smoothly, cluster indices follow the sorted centroids.)
 */
import { DcError } from '@dc/core';
import { BitReader, BitWriter, golombBits, varintBytes } from './bit-io.js';

/**
 * The largest scale: `M = 2^15` slots per table. A frequency and a slot's offset within its
 * symbol's range then fit 16 bits each, one 32-bit table entry per slot for the decoder.
 */
export const MAX_SCALE_BITS = 15;
/** The largest Exp-Golomb order of a table. */
export const MAX_GOLOMB_ORDER = 15;

/** A stream's tables. */
export interface StreamTables {
  /** Scale bits `S` (0 for an empty stream). */
  readonly scaleBits: number;
  /** Context threshold: 0 (one table), else table 1 codes symbols whose predecessor is `>= threshold`. */
  readonly threshold: number;
  /** One or two frequency tables: per symbol `0 .. n-1` its frequency, summing to `2^S`. */
  readonly tables: readonly Uint32Array[];
  /** Bytes the tables took; the coded payload starts there. */
  readonly bytes: number;
}

function corrupt(why: string): never {
  throw new DcError('CORRUPT_STREAM', `rans stream: ${why}`);
}

/** The zigzag map of a frequency difference: 0, -1, 1, -2, ... to 0, 1, 2, 3, ... */
const zigzag = (d: number) => (d >= 0 ? 2 * d : -2 * d - 1);

/** The values a table codes: each frequency but the last as a zigzag difference from the previous. */
function deltas(freqs: ArrayLike<number>): number[] {
  return Array.from({ length: Math.max(0, freqs.length - 1) }, (_, s) => zigzag(freqs[s] - (s > 0 ? freqs[s - 1] : 0)));
}

/** The cheapest Exp-Golomb order for one table and the table's size in bytes. */
export function tableCost(freqs: ArrayLike<number>): { order: number; bytes: number } {
  const values = deltas(freqs);
  let best = { order: 0, bytes: Infinity };
  for (let k = 0; k <= MAX_GOLOMB_ORDER; k++) {
    let bits = 0;
    for (const v of values) bits += golombBits(v, k);
    const bytes = varintBytes(freqs.length) + 1 + Math.ceil(bits / 8);
    if (bytes < best.bytes) best = { order: k, bytes };
  }
  return best;
}

/** Bytes of the stream header for these tables. */
export function streamTablesBytes(threshold: number, tables: readonly ArrayLike<number>[]): number {
  return 1 + varintBytes(threshold) + tables.reduce((n, t) => n + tableCost(t).bytes, 0);
}

/** Writes the tables (each `freqs` ends with a nonzero frequency and sums to `2^scaleBits`). */
export function writeStreamTables(scaleBits: number, threshold: number, tables: readonly ArrayLike<number>[]): Uint8Array {
  const w = new BitWriter(new Uint8Array(streamTablesBytes(threshold, tables)));
  w.byte(scaleBits);
  w.varint(threshold);
  for (const freqs of tables) {
    const { order } = tableCost(freqs);
    w.varint(freqs.length);
    w.byte(order);
    for (const v of deltas(freqs)) w.golomb(v, order);
    w.align();
  }
  return w.bytes;
}

function readTable(r: BitReader, bits: number, total: number): Uint32Array {
  const n = r.varint();
  if (n < 1 || n > 2 ** bits) corrupt(`${n} symbols described for ${bits}-bit symbols`);
  const order = r.byte();
  if (order > MAX_GOLOMB_ORDER) corrupt(`Exp-Golomb order ${order}`);
  const freqs = new Uint32Array(n);
  let sum = 0;
  for (let s = 0; s < n - 1; s++) {
    const v = r.golomb(order, MAX_SCALE_BITS + 2); // zigzag differences are below 2^16
    const f = (s > 0 ? freqs[s - 1] : 0) + (v % 2 === 0 ? v / 2 : -(v + 1) / 2);
    if (f < 0) corrupt(`negative frequency of symbol ${s}`);
    sum += f;
    if (sum >= total) corrupt('frequencies exceed the scale');
    freqs[s] = f;
  }
  freqs[n - 1] = total - sum;
  r.align();
  return freqs;
}

/** Reads the tables of a rANS stream whose symbols have at most `bits` bits. */
export function readStreamTables(data: Uint8Array, bits: number): StreamTables {
  const r = new BitReader(data);
  const scaleBits = r.byte();
  if (scaleBits === 0) return { scaleBits, threshold: 0, tables: [], bytes: 1 };
  if (scaleBits > MAX_SCALE_BITS) corrupt(`scale of ${scaleBits} bits (1 to ${MAX_SCALE_BITS} allowed)`);
  const threshold = r.varint();
  if (threshold >= 2 ** bits) corrupt(`context threshold ${threshold} for ${bits}-bit symbols`);
  const tables = [readTable(r, bits, 2 ** scaleBits)];
  if (threshold > 0) tables.push(readTable(r, bits, 2 ** scaleBits));
  return { scaleBits, threshold, tables, bytes: r.align() };
}
