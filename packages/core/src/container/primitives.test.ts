import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bitsFor, packBits, unpackBits } from './bit-pack.js';
import { crc32 } from './crc32.js';
import { exactInFloat16, FLOAT16_MAX, fromFloat16Bits, roundToFiniteFloat16, roundToFloat16, toFloat16Bits } from './float16.js';
import { decodeGaps, encodeGaps, gapSymbolCount } from './gaps.js';

describe('crc32', () => {
  it('matches the standard check value and known vectors', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
  it('covers only the requested range', () => {
    const bytes = new TextEncoder().encode('xx123456789yy');
    expect(crc32(bytes, 2, 11)).toBe(0xcbf43926);
  });
  it('agrees with zlib on any bytes and range (four bytes per step, the rest one by one)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const [start, end] = [a % (bytes.length + 1), b % (bytes.length + 1)].sort((x, y) => x - y);
        expect(crc32(bytes, start, end)).toBe(zlibCrc32(bytes.subarray(start, end)));
      }),
    );
  });
});

describe('bit packing', () => {
  it('packs LSB-first', () => {
    expect([...packBits([1, 2, 3], 3)]).toEqual([0b011_010_001, 0]);
    expect([...packBits([5, 6], 4)]).toEqual([0x65]);
    expect(bitsFor(1)).toBe(1);
    expect(bitsFor(2)).toBe(1);
    expect(bitsFor(3)).toBe(2);
    expect(bitsFor(32)).toBe(5);
    expect(bitsFor(33)).toBe(6);
  });
  it('round-trips every width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.nat(), { maxLength: 300 }), (bits, raw) => {
        const symbols = raw.map((v) => v % 2 ** bits);
        expect([...unpackBits(packBits(symbols, bits), symbols.length, bits)]).toEqual(symbols);
      }),
    );
  });
  it('rejects a stream that is too short', () => {
    expect(() => unpackBits(new Uint8Array(1), 3, 5)).toThrow(/CORRUPT_STREAM/);
  });
});

describe('relative indices', () => {
  it('writes fillers for gaps that do not fit, as documented', () => {
    // b = 2: M = 3; symbols 0..2 are gaps 1..3, symbol 3 skips 3 positions.
    const gaps = encodeGaps([0, 3, 4, 11], 2);
    // 11 is 6 past 4 + 1: two fillers (4 -> 7 -> 10), then gap 1.
    expect([...gaps]).toEqual([0, 2, 0, 3, 3, 0]);
    expect(gapSymbolCount([0, 3, 4, 11], 2)).toBe(6);
    expect([...decodeGaps(gaps, 2, 4, 12)]).toEqual([0, 3, 4, 11]);
  });
  it('round-trips random ascending positions at every width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.uniqueArray(fc.nat(5000)), (bits, raw) => {
        const positions = Uint32Array.from(raw.sort((a, b) => a - b));
        const size = 5001;
        expect([...decodeGaps(encodeGaps(positions, bits), bits, positions.length, size)]).toEqual([...positions]);
      }),
    );
  });
  it('rejects streams that overrun the tensor or the entry count', () => {
    const gaps = encodeGaps([0, 9], 3);
    expect(() => decodeGaps(gaps, 3, 2, 9)).toThrow(/CORRUPT_STREAM/);
    expect(() => decodeGaps(gaps, 3, 1, 10)).toThrow(/CORRUPT_STREAM/);
    expect(() => decodeGaps(gaps, 3, 3, 10)).toThrow(/CORRUPT_STREAM/);
    expect(() => decodeGaps(Uint8Array.of(0, 7), 3, 1, 100)).toThrow(/ends with a filler/);
  });
});

describe('float16', () => {
  it('converts exactly representable values both ways', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -65504, 2 ** -14, 2 ** -24, 1.5, 0.0999755859375]) {
      expect(fromFloat16Bits(toFloat16Bits(v))).toBeCloseTo(v, 10);
    }
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });
  it('round-trips every binary16 bit pattern', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const v = fromFloat16Bits(h);
      if (!Number.isNaN(v) && toFloat16Bits(v) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });
  it('rounds to nearest within half a unit', () => {
    fc.assert(
      fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (v) => {
        const back = fromFloat16Bits(toFloat16Bits(v));
        expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25) * 1.0000001);
      }),
    );
  });
  it('rounds to the nearest finite value when asked: ±65504 past the range, the same as roundToFloat16 inside it', () => {
    expect(roundToFloat16(65520)).toBe(Infinity);
    for (const [v, want] of [[65520, FLOAT16_MAX], [1e30, FLOAT16_MAX], [Infinity, FLOAT16_MAX], [-7e4, -FLOAT16_MAX], [65519, FLOAT16_MAX]] as const) expect(roundToFiniteFloat16(v)).toBe(want);
    expect(Number.isNaN(roundToFiniteFloat16(NaN))).toBe(true);
    fc.assert(fc.property(fc.float({ min: -FLOAT16_MAX, max: FLOAT16_MAX, noNaN: true }), (v) => Object.is(roundToFiniteFloat16(v), roundToFloat16(v))));
  });
  it('tells values stored exactly in 2 bytes (the sign of zero kept) from others', () => {
    expect(exactInFloat16(Float32Array.from([0, -0, 1, 0.5, 65504, -2.5, 2 ** -24, 0.0999755859375]))).toBe(true);
    for (const v of [0.1, 65520, 1 + 2 ** -11, 2 ** -26, NaN]) expect(exactInFloat16(Float32Array.from([1, v]))).toBe(false);
  });
});
