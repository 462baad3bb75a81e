import { createRandom, entropyOf, histogram, type RandomSource } from '@dc/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRans } from '../decode/rans-decode.js';
import { readStreamTables, writeStreamTables } from '../decode/stream-table.js';
import { chooseModel } from './choose-model.js';
import { quantizeFrequencies } from './quantize.js';
import { encodeRans } from './rans-encode.js';

function roundTrip(symbols: Uint8Array | Uint16Array, bits: number): Uint8Array {
  const enc = encodeRans(symbols, bits)!;
  expect([...decodeRans(enc.data, symbols.length, bits)]).toEqual([...symbols]);
  return enc.data;
}

/** Index of a Gaussian weight quantized to `k` levels over ±3σ (like clustered weights). */
function gaussianCodes(r: RandomSource, n: number, k: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => {
    const g = Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
    return Math.min(k - 1, Math.max(0, Math.floor(((g + 3) / 6) * k)));
  });
}

/** Relative-index symbols (gapBits `b`, filler `2^b - 1`) of a random mask of `density`. */
function gapSymbols(r: RandomSource, size: number, density: number, b: number): Uint8Array {
  const m = 2 ** b - 1;
  const out: number[] = [];
  let gap = 0;
  for (let i = 0; i < size; i++) {
    if (r.next() >= density) {
      gap++;
      continue;
    }
    for (; gap >= m; gap -= m) out.push(m);
    out.push(gap);
    gap = 0;
  }
  return Uint8Array.from(out);
}

/** Clustered weights whose sign persists (as neighbouring pixels' weights of one unit do). */
function persistentSigns(r: RandomSource, n: number, k: number): Uint8Array {
  const base = gaussianCodes(r, n, k);
  let high = false;
  return base.map((c) => {
    if (r.next() < 0.25) high = !high;
    const half = c % (k / 2);
    return high ? k / 2 + half : half;
  });
}

/** Entropy in bits of `symbols` under the stream's model: order 0, or split by the previous symbol. */
function modelEntropyBits(symbols: Uint8Array, bits: number, threshold: number): number {
  if (threshold === 0) return entropyOf(histogram(symbols, bits)) * symbols.length;
  const split = [[] as number[], [] as number[]];
  symbols.forEach((s, i) => split[i > 0 && symbols[i - 1] >= threshold ? 1 : 0].push(s));
  return split.reduce((h, part) => h + entropyOf(histogram(part, bits)) * part.length, 0);
}

describe('rANS coding', () => {
  it('round-trips random streams of every width, including empty and single-symbol ones (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.nat(), { maxLength: 3000 }), fc.integer({ min: 1, max: 16 }), fc.nat(3), (bits, raw, spread, shape) => {
        const mod = Math.min(2 ** bits, 2 ** spread);
        // shape 0: uniform; 1: geometric-like; 2: runs (contexts pay); 3: one symbol mostly.
        const mapped = raw.map((v, i) => {
          if (shape === 1) return Math.min(mod - 1, Math.floor(-Math.log2(((v % 1000) + 1) / 1001)));
          if (shape === 2) return (Math.floor(i / 7) % 2) * Math.floor(mod / 2) + (v % Math.max(1, Math.floor(mod / 2)));
          if (shape === 3) return v % 17 === 0 ? v % mod : 0;
          return v % mod;
        });
        roundTrip(bits <= 8 ? Uint8Array.from(mapped) : Uint16Array.from(mapped), bits);
      }),
      { numRuns: 300 },
    );
    expect([...roundTrip(new Uint8Array(0), 5)]).toEqual([0]);
    roundTrip(new Uint8Array(5000).fill(7), 5);
    roundTrip(Uint16Array.from({ length: 70000 }, (_, i) => (i * 7919) % 30000), 16);
    roundTrip(Uint16Array.from({ length: 40000 }, (_, i) => (i * 7919) % 32768), 16);
    // More than 2^15 distinct symbols do not fit the largest table: the stream stays raw.
    expect(encodeRans(Uint16Array.from({ length: 70000 }, (_, i) => (i * 7919) % 65536), 16)).toBeUndefined();
  });

  it('writes and reads back any valid tables (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.array(fc.array(fc.nat(100), { minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 2 }), (lowest, raw) => {
        // The last symbol of each table occurs; the scale fits every table's alphabet.
        const counts = raw.map((c) => [...c, 1]);
        const scaleBits = Math.max(lowest, ...counts.map((c) => Math.ceil(Math.log2(c.length))));
        const tables = counts.map((c) => quantizeFrequencies(c, scaleBits)!);
        const threshold = tables.length === 2 ? 1 + raw[0].length : 0;
        const bytes = writeStreamTables(scaleBits, threshold, tables);
        expect(readStreamTables(bytes, 9)).toEqual({ scaleBits, threshold, tables, bytes: bytes.length });
      }),
    );
  });

  it('quantizes counts to frequencies that sum to the scale, every occurring symbol at least 1', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5000), { minLength: 1, maxLength: 600 }), fc.integer({ min: 1, max: 15 }), (counts, scaleBits) => {
        const used = counts.filter((c) => c > 0).length;
        const freqs = quantizeFrequencies(counts, scaleBits);
        if (used === 0 || used > 2 ** scaleBits) {
          expect(freqs).toBeUndefined();
        } else {
          expect(freqs!.reduce((a, b) => a + b, 0)).toBe(2 ** scaleBits);
          counts.forEach((c, s) => expect(freqs![s] > 0).toBe(c > 0));
        }
      }),
    );
  });
});

describe('rANS coding efficiency (streams of at least 10,000 symbols)', () => {
  const r = createRandom(42);
  const cases: Array<[string, Uint8Array, number]> = [
    ['5-bit clustered Gaussian weights', gaussianCodes(r, 20_000, 32), 5],
    ['8-bit clustered Gaussian weights', gaussianCodes(r, 50_000, 256), 8],
    ['7-bit relative indices at 7.5% density', gapSymbols(r, 235_200, 0.075, 7), 7],
    ['2-bit relative indices at 19% density (a filler half the time)', gapSymbols(r, 60_000, 0.19, 2), 2],
    ['5-bit weights with persistent signs (two tables pay)', persistentSigns(r, 20_000, 32), 5],
    ['one symbol in 50 differs (below one bit per symbol)', Uint8Array.from({ length: 20_000 }, () => (r.next() < 0.02 ? 1 + r.int(3) : 0)), 2],
    ['uniform bytes', Uint8Array.from({ length: 30_000 }, () => r.int(256)), 8],
  ];
  for (const [name, symbols, bits] of cases) {
    it(`${name}: payload <= model entropy + 2%, and <= order-0 entropy + 2%`, () => {
      expect(symbols.length).toBeGreaterThanOrEqual(10_000);
      const enc = encodeRans(symbols, bits)!;
      const { threshold } = readStreamTables(enc.data, bits);
      const payloadBits = (enc.data.length - enc.tableBytes) * 8;
      const model = modelEntropyBits(symbols, bits, threshold);
      const order0 = entropyOf(histogram(symbols, bits)) * symbols.length;
      // The payload includes the 32-bit final state.
      expect(payloadBits).toBeLessThanOrEqual(model * 1.02 + 40);
      expect(payloadBits).toBeLessThanOrEqual(order0 * 1.02 + 40);
      expect(payloadBits).toBeGreaterThanOrEqual(model * 0.995);
      if (name.includes('persistent')) expect(threshold).toBe(16);
      expect(chooseModel(symbols, bits)!.bytes).toBeGreaterThanOrEqual(enc.data.length - 1);
    });
  }
});
