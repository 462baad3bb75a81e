/** Decoding of a rANS stream: two table lookups, one multiply-add and at most two byte reads per symbol, two states interleaved. */
import { DcError } from '@dc/core';
import { readStreamTables } from './stream-table.js';

/** The renormalisation bound: the coder's state stays in `[L, 256 L)`, below 2^31. */
export const RANS_L = 2 ** 23;

function corrupt(why: string): never {
  throw new DcError('CORRUPT_STREAM', `rans stream: ${why}`);
}

/**
 * Per slot of each context's table (context `c` at `c · 2^S`): its symbol, and its symbol's
 * frequency (high 16 bits) with the slot's offset in the symbol's range (low 16 bits), so that a
 * step is `x = (entry >>> 16) · (x >>> S) + (entry & 0xffff)`.
 */
function buildLookup(tables: readonly Uint32Array[], scaleBits: number): { symbolOf: Uint8Array | Uint16Array; entry: Int32Array } {
  const slots = 2 ** scaleBits;
  const wide = tables.some((t) => t.length > 256);
  const symbolOf = wide ? new Uint16Array(slots * tables.length) : new Uint8Array(slots * tables.length);
  // Int32Array: V8 keeps its loads in 32-bit registers (Uint32Array loads may become doubles).
  const entry = new Int32Array(slots * tables.length);
  tables.forEach((t, c) => {
    for (let s = 0, at = c * slots; s < t.length; s++) {
      const f = t[s];
      symbolOf.fill(s, at, at + f);
      for (let j = 0; j < f; j++) entry[at + j] = (f << 16) | j; // f = 2^15 wraps negative; `>>> 16` restores it
      at += f;
    }
  });
  return { symbolOf, entry };
}

/** Bytes of the two interleaved states at the start of the payload. */
export const STATE_BYTES = 8;

/**
 * Decodes exactly `count` symbols of at most `bits` bits from a rANS stream (tables, two
 * interleaved states, renormalisation bytes): symbol `i` is decoded with state `i mod 2`, both
 * reading one byte string, so two independent chains run side by side. Throws `CORRUPT_STREAM`
 * on any inconsistency: a bad table, a state out of range, a stream that ends early or has bytes
 * left over, or final states other than the encoder's initial ones.
 */
export function decodeRans(data: Uint8Array, count: number, bits: number): Uint8Array | Uint16Array {
  const { scaleBits, threshold, tables, bytes } = readStreamTables(data, bits);
  const out = bits <= 8 ? new Uint8Array(count) : new Uint16Array(count);
  if (scaleBits === 0) {
    if (count !== 0 || data.length !== 1) corrupt(`an empty stream cannot hold ${count} symbols`);
    return out;
  }
  const n = data.length;
  if (n - bytes < STATE_BYTES) corrupt('no initial states');
  const { symbolOf, entry } = buildLookup(tables, scaleBits);
  // Small integers only (`1 <<`, not `2 **`, which V8 keeps as doubles): they index the tables.
  const mask = (1 << scaleBits) - 1;
  const u32 = (at: number) => (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)) >>> 0;
  let x0 = u32(bytes);
  let x1 = u32(bytes + 4);
  if (x0 < RANS_L || x0 >= RANS_L * 256 || x1 < RANS_L || x1 >= RANS_L * 256) corrupt('initial state out of range');
  let p = bytes + STATE_BYTES;
  let i = 0;
  // Fast loops, two symbols per round: a symbol reads at most 2 bytes (after a step the state is
  // at least 2^(23 - S) >= 2^8), so no bounds check while 4 bytes are left.
  const safe = n - 4;
  // With two tables the previous symbol picks the table: context 1 reads the lookup's second
  // block, at `blockOf[previous symbol]` (a lookup rather than a branch; all zeros for one table).
  const blockOf = new Int32Array(1 << bits);
  if (threshold > 0) blockOf.fill(mask + 1, threshold);
  let base = 0;
  while (i + 1 < count && p <= safe) {
    const slot0 = base + (x0 & mask);
    const s0 = symbolOf[slot0];
    const e0 = entry[slot0];
    const slot1 = blockOf[s0] + (x1 & mask);
    const s1 = symbolOf[slot1];
    const e1 = entry[slot1];
    out[i] = s0;
    out[i + 1] = s1;
    i += 2;
    base = blockOf[s1];
    x0 = Math.imul(e0 >>> 16, x0 >>> scaleBits) + (e0 & 0xffff); // below 2^31: exact
    x1 = Math.imul(e1 >>> 16, x1 >>> scaleBits) + (e1 & 0xffff);
    if (x0 < RANS_L) {
      x0 = (x0 << 8) | data[p++];
      if (x0 < RANS_L) x0 = (x0 << 8) | data[p++];
    }
    if (x1 < RANS_L) {
      x1 = (x1 << 8) | data[p++];
      if (x1 < RANS_L) x1 = (x1 << 8) | data[p++];
    }
  }
  // The tail: one symbol per step, with bounds checks.
  while (i < count) {
    const odd = i & 1;
    let x = odd ? x1 : x0;
    const slot = base + (x & mask);
    const s = symbolOf[slot];
    const e = entry[slot];
    out[i++] = s;
    base = blockOf[s];
    x = Math.imul(e >>> 16, x >>> scaleBits) + (e & 0xffff);
    while (x < RANS_L) {
      if (p >= n) corrupt('the stream ends before its last symbol');
      x = (x << 8) | data[p++];
    }
    if (odd) x1 = x;
    else x0 = x;
  }
  if (p !== n) corrupt(`${n - p} bytes left after the last symbol`);
  if (x0 !== RANS_L || x1 !== RANS_L) corrupt('the final states are not the initial ones');
  return out;
}
