import { createRandom, entropyOf, histogram, type RandomSource } from '@dc/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownErrorCode as codeOf } from '@dc/core/testing';
import { canonicalCodes } from '../decode/canonical.js';
import { decodeHuffman } from '../decode/huffman-decode.js';
import { limitedCodeLengths } from './code-lengths.js';
import { encodeHuffman } from './huffman-encode.js';

/** Cost in bits of an unrestricted Huffman code (sum of merged weights), for comparison. */
function huffmanCost(freq: ArrayLike<number>): number {
  const w = Array.from(freq).filter((f) => f > 0);
  if (w.length === 1) return w[0];
  let cost = 0;
  while (w.length > 1) {
    w.sort((a, b) => a - b);
    const s = w.shift()! + w.shift()!;
    cost += s;
    w.push(s);
  }
  return cost;
}

function cost(freq: ArrayLike<number>, lengths: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < freq.length; i++) c += freq[i] * lengths[i];
  return c;
}

function roundTrip(symbols: Uint8Array | Uint16Array, bits: number): void {
  const enc = encodeHuffman(symbols, bits)!;
  expect([...decodeHuffman(enc.data, symbols.length, bits)]).toEqual([...symbols]);
}

/** Samples: index of a Gaussian weight quantized to `k` levels over ±3σ (like clustered weights). */
function gaussianCodes(r: RandomSource, n: number, k: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => {
    const g = Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
    return Math.min(k - 1, Math.max(0, Math.floor(((g + 3) / 6) * k)));
  });
}

describe('canonical Huffman codes', () => {
  it('assigns the RFC 1951 example codes', () => {
    expect([...canonicalCodes([3, 3, 3, 3, 3, 2, 4, 4])!].map((c, i) => c.toString(2).padStart([3, 3, 3, 3, 3, 2, 4, 4][i], '0'))).toEqual([
      '010', '011', '100', '101', '110', '00', '1110', '1111',
    ]);
    expect(canonicalCodes([1, 1, 1])).toBeUndefined();
  });

  it('limits lengths to 15 bits and stays optimal when the limit does not bind', () => {
    // Fibonacci frequencies make an unrestricted Huffman code as deep as the alphabet.
    const fib = [1, 1];
    while (fib.length < 30) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
    const limited = limitedCodeLengths(fib, 15)!;
    expect(Math.max(...limited)).toBe(15);
    expect(canonicalCodes(limited)).toBeDefined();
    expect(cost(fib, limited)).toBeGreaterThan(huffmanCost(fib));
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 64 }), (freq) => {
        const lengths = limitedCodeLengths(freq, 15)!;
        if (freq.some((f) => f > 0)) expect(cost(freq, lengths)).toBe(huffmanCost(freq));
        expect(canonicalCodes(lengths)).toBeDefined();
      }),
    );
  });

  it('round-trips random streams of every width, including empty and single-symbol ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.nat(), { maxLength: 2000 }), fc.integer({ min: 1, max: 16 }), (bits, raw, spread) => {
        const mod = Math.min(2 ** bits, 2 ** spread);
        const mapped = raw.map((v) => v % mod);
        const symbols = bits <= 8 ? Uint8Array.from(mapped) : Uint16Array.from(mapped);
        roundTrip(symbols, bits);
      }),
      { numRuns: 300 },
    );
    roundTrip(new Uint8Array(0), 5);
    roundTrip(new Uint8Array(1000).fill(7), 5);
    roundTrip(Uint16Array.from({ length: 70000 }, (_, i) => (i * 7919) % 30000), 16);
    // More than 2^15 distinct symbols cannot get codes of at most 15 bits: the stream stays raw.
    expect(encodeHuffman(Uint16Array.from({ length: 70000 }, (_, i) => (i * 7919) % 65536), 16)).toBeUndefined();
  });

  it('round-trips skewed streams whose codes reach 15 bits', () => {
    const fib = [1, 1];
    while (fib.length < 24) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
    const symbols = Uint8Array.from(fib.flatMap((f, s) => new Array<number>(f).fill(s)));
    roundTrip(symbols, 5);
  });
});

describe('Huffman coding efficiency (streams of at least 10,000 symbols)', () => {
  const r = createRandom(42);
  const cases: Array<[string, Uint8Array, number]> = [
    ['5-bit clustered Gaussian weights', gaussianCodes(r, 20_000, 32), 5],
    ['8-bit clustered Gaussian weights', gaussianCodes(r, 50_000, 256), 8],
    ['4-bit relative indices at 8% density', (() => {
      const pos: number[] = [];
      for (let i = 0; i < 300_000; i++) if (r.next() < 0.08) pos.push(i);
      const out: number[] = [];
      let prev = -1;
      for (const p of pos) {
        let g = p - prev - 1;
        while (g >= 15) { out.push(15); g -= 15; }
        out.push(g);
        prev = p;
      }
      return Uint8Array.from(out);
    })(), 4],
    ['uniform bytes', Uint8Array.from({ length: 30_000 }, () => r.int(256)), 8],
  ];
  for (const [name, symbols, bits] of cases) {
    it(`${name}: payload <= entropy + 2% (table counted separately)`, () => {
      expect(symbols.length).toBeGreaterThanOrEqual(10_000);
      const h = entropyOf(histogram(symbols, bits));
      const enc = encodeHuffman(symbols, bits)!;
      const payloadBits = (enc.data.length - enc.tableBytes) * 8;
      expect(payloadBits / symbols.length).toBeLessThanOrEqual(h * 1.02 + 8 / symbols.length);
      expect(payloadBits / symbols.length).toBeGreaterThanOrEqual(h - 1e-9);
      expect(enc.tableBytes).toBeLessThanOrEqual(2 + 3 + 2 ** bits / 2);
    });
  }
});

describe('Huffman decoder on corrupted streams', () => {
  const symbols = gaussianCodes(createRandom(9), 5000, 32);
  const { data } = encodeHuffman(symbols, 5)!;
  it('fails with CORRUPT_STREAM, never a wrong length or another exception', () => {
    expect(codeOf(() => decodeHuffman(data.subarray(0, data.length - 10), symbols.length, 5))).toBe('CORRUPT_STREAM');
    expect(codeOf(() => decodeHuffman(data, symbols.length * 2, 5))).toBe('CORRUPT_STREAM');
    expect(codeOf(() => decodeHuffman(data, symbols.length, 3))).toBe('CORRUPT_STREAM'); // 32 symbols cannot be 3-bit
    expect(codeOf(() => decodeHuffman(Uint8Array.of(16, 1, 0), 1, 5))).toBe('CORRUPT_STREAM');
    expect(codeOf(() => decodeHuffman(Uint8Array.of(1, 3, 0x11, 0x01, 0), 1, 5))).toBe('CORRUPT_STREAM'); // three 1-bit codes
    expect(codeOf(() => decodeHuffman(Uint8Array.of(0), 1, 5))).toBe('CORRUPT_STREAM');
    expect(codeOf(() => decodeHuffman(new Uint8Array(0), 0, 5))).toBe('CORRUPT_STREAM');
    expect(codeOf(() => decodeHuffman(Uint8Array.of(2, 0xff, 0xff, 0xff, 0xff), 1, 5))).toBe('CORRUPT_STREAM');
    const r = createRandom(5);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bad = data.slice();
      for (let k = 0; k < 1 + r.int(3); k++) bad[r.int(Math.min(bad.length, 40))] = r.int(256);
      const code = codeOf(() => {
        const out = decodeHuffman(bad, symbols.length, 5);
        if (out.length !== symbols.length) throw new Error('wrong length');
      });
      seen.add(code);
    }
    expect([...seen].filter((c) => c !== 'no error' && c !== 'CORRUPT_STREAM')).toEqual([]);
  });
});
