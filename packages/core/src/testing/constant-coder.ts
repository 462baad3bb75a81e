import type { StreamCoder } from '../container/stream-codec.js';

/**
 * A stand-in third-party stream coder for tests: it codes only streams of one repeated symbol of
 * at most 8 bits, as a 3-byte "table" (`1 2 3`) and that symbol; its decoder reports the table.
 */
export const constantCoder: StreamCoder = Object.freeze({
  encoding: 'test-constant',
  decoderModule: '@dc/test-constant/decode',
  encodeSymbols: (symbols: Uint8Array | Uint16Array, bits: number) =>
    bits <= 8 && symbols.length > 0 && symbols.every((v) => v === symbols[0]) ? { data: Uint8Array.of(1, 2, 3, symbols[0]), tableBytes: 3 } : undefined,
  decodeSymbols: (data: Uint8Array, count: number) => new Uint8Array(count).fill(data[3]),
  tableBytes: () => 3,
});
