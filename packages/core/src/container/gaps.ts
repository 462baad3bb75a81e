/**
 * Relative indices of sparse tensors (the paper's §2 storage, with a leaner filler).
 *
 * The nonzeros of a tensor are visited in row-major flat order; each stores the gap from the
 * previous one (the first from position -1) as a `b`-bit symbol. With `M = 2 ** b - 1`:
 *
 * - a symbol `v < M` places the next entry at `previous + 1 + v`;
 * - the symbol `M` is a filler: it advances `previous` by `M` and places no entry.
 *
 * A gap `g` is thus written as `floor((g - 1) / M)` fillers and then `(g - 1) mod M`. Unlike the
 * paper, whose filler is a zero *weight* (it costs a code too), our filler lives in the index
 * stream only: the code stream holds exactly one code per real entry.
 */
import { DcError } from '../errors/dc-error.js';
import { allocSymbols, type Symbols } from './bit-pack.js';

/** Number of gap symbols (entries plus fillers) for `positions` at `bits` bits. */
export function gapSymbolCount(positions: ArrayLike<number>, bits: number): number {
  const m = (1 << bits) - 1;
  let prev = -1;
  let n = positions.length;
  for (let i = 0; i < positions.length; i++) {
    n += Math.floor((positions[i] - prev - 1) / m);
    prev = positions[i];
  }
  return n;
}

/** The gap symbols of ascending `positions` at `bits` bits (`1 <= bits <= 16`). */
export function encodeGaps(positions: ArrayLike<number>, bits: number): Symbols {
  const m = (1 << bits) - 1;
  const out = allocSymbols(gapSymbolCount(positions, bits), bits);
  let prev = -1;
  let o = 0;
  for (let i = 0; i < positions.length; i++) {
    let g = positions[i] - prev - 1;
    if (g < 0) throw new DcError('INVALID_MODEL', `positions must be strictly ascending (position ${positions[i]} after ${prev})`);
    while (g >= m) {
      out[o++] = m;
      g -= m;
    }
    out[o++] = g;
    prev = positions[i];
  }
  return out;
}

/**
 * The positions that gap symbols stand for. `CORRUPT_STREAM` unless they yield exactly
 * `entries` positions, all below `size`.
 */
export function decodeGaps(symbols: Symbols, bits: number, entries: number, size: number): Uint32Array {
  const m = (1 << bits) - 1;
  const out = new Uint32Array(entries);
  let prev = -1;
  let o = 0;
  for (let i = 0; i < symbols.length; i++) {
    const v = symbols[i];
    if (v === m) {
      prev += m;
      continue;
    }
    if (v > m) throw new DcError('CORRUPT_STREAM', `gap symbol ${v} does not fit ${bits} bits`);
    prev += v + 1;
    if (prev >= size) throw new DcError('CORRUPT_STREAM', `index stream points past the tensor of ${size} elements`);
    if (o >= entries) throw new DcError('CORRUPT_STREAM', `index stream holds more than the ${entries} entries the header promises`);
    out[o++] = prev;
  }
  if (o !== entries) throw new DcError('CORRUPT_STREAM', `index stream holds ${o} of the ${entries} entries the header promises`);
  if (symbols.length > 0 && symbols[symbols.length - 1] === m) throw new DcError('CORRUPT_STREAM', 'index stream ends with a filler');
  return out;
}
