/** rANS encoding of a symbol stream with static frequency tables (tables + two interleaved states + bytes). */
import type { EncodedStream, StreamCoder, StreamEncoder, Symbols } from '@dc/core';
import { RANS_ENCODING, ransDecoder } from '../decode/index.js';
import { RANS_L, STATE_BYTES } from '../decode/rans-decode.js';
import { writeStreamTables } from '../decode/stream-table.js';
import { chooseModel } from './choose-model.js';

/**
 * rANS-codes `symbols` (each `< 2 ** bits`, `bits <= 16`) with the static model that gives the
 * fewest bytes: one frequency table, or two chosen by the previous symbol (see choose-model.ts),
 * at a scale of 1..16 bits. Returns `undefined` when more than 2^16 distinct symbols occur.
 */
export function encodeRans(symbols: Symbols | ArrayLike<number>, bits: number): EncodedStream | undefined {
  const count = symbols.length;
  if (count === 0) return { data: Uint8Array.of(0), tableBytes: 1 };
  const model = chooseModel(symbols, bits);
  if (!model) return undefined;
  const { scaleBits, threshold, tables } = model;
  const starts = tables.map((f) => {
    const start = new Uint32Array(f.length);
    for (let s = 1; s < f.length; s++) start[s] = start[s - 1] + f[s - 1];
    return start;
  });
  const header = writeStreamTables(scaleBits, threshold, tables);
  // Symbols are coded last to first, symbol i with state i mod 2; bytes are written back to front
  // so that the decoder, going forward, reads each byte when its state needs it.
  const tail = new Uint8Array(2 * count);
  let o = tail.length;
  const states = [RANS_L, RANS_L];
  const bound = (RANS_L / 2 ** scaleBits) * 256; // before a step, x must be below bound · f
  const slots = 2 ** scaleBits;
  for (let i = count - 1; i >= 0; i--) {
    const s = symbols[i];
    const c = threshold > 0 && i > 0 && symbols[i - 1] >= threshold ? 1 : 0;
    const f = tables[c][s];
    let x = states[i & 1];
    while (x >= bound * f) {
      tail[--o] = x & 0xff;
      x >>>= 8;
    }
    states[i & 1] = Math.floor(x / f) * slots + (x % f) + starts[c][s];
  }
  const payload = tail.subarray(o);
  const data = new Uint8Array(header.length + STATE_BYTES + payload.length);
  data.set(header, 0);
  const view = new DataView(data.buffer);
  view.setUint32(header.length, states[0], true);
  view.setUint32(header.length + 4, states[1], true);
  data.set(payload, header.length + STATE_BYTES);
  return { data, tableBytes: header.length };
}

/** Encoder of `rans` streams for `encodeContainer(input, { encoders: [ransEncoder] })`. */
export const ransEncoder: StreamEncoder = Object.freeze({
  encoding: RANS_ENCODING,
  decoderModule: '@dc/rans/decode',
  encodeSymbols: (symbols: Symbols, bits: number) => encodeRans(symbols, bits),
});

/**
 * The rANS encoder and decoder in one object, for the file-writing stage:
 * `encodeFile({ coders: [huffmanCoder, ransCoder] })` keeps per stream the smaller.
 */
export const ransCoder: StreamCoder = Object.freeze({ ...ransDecoder, ...ransEncoder });
