/** The rANS decoder on malformed data: `CORRUPT_STREAM` or `count` symbols, never another exception or a hang. */
import { createRandom, isDcError } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { encodeRans } from '../encode/rans-encode.js';
import { decodeRans } from './rans-decode.js';

/** What decoding gives: `'ok'` (exactly `count` symbols) or the `DcError` code; anything else throws. */
function outcome(data: Uint8Array, count: number, bits: number): string {
  try {
    const out = decodeRans(data, count, bits);
    if (out.length !== count || !(out instanceof (bits <= 8 ? Uint8Array : Uint16Array))) throw new Error('wrong result shape');
    return 'ok';
  } catch (e) {
    if (!isDcError(e)) throw e;
    return e.code;
  }
}

describe('rANS decoder on malformed data', () => {
  const r = createRandom(2024);
  const streams: Array<[string, Uint8Array | Uint16Array, number]> = [
    ['order-0, 5-bit', Uint8Array.from({ length: 3000 }, () => Math.min(31, Math.floor(-Math.log2(r.next() + 1e-9) * 3))), 5],
    ['two tables, 5-bit', Uint8Array.from({ length: 3000 }, (_, i) => (Math.floor(i / 9) % 2) * 16 + r.int(16)), 5],
    ['skewed, 2-bit', Uint8Array.from({ length: 2000 }, () => (r.next() < 0.03 ? 1 : 0)), 2],
    ['12-bit', Uint16Array.from({ length: 3000 }, () => r.int(3000)), 12],
  ];
  for (const [name, symbols, bits] of streams) {
    it(`${name}: 3000 mutated streams end in CORRUPT_STREAM or ${symbols.length} symbols, quickly`, () => {
      const { data } = encodeRans(symbols, bits)!;
      expect(outcome(data, symbols.length, bits)).toBe('ok');
      const seen = new Map<string, number>();
      const t0 = performance.now();
      for (let i = 0; i < 3000; i++) {
        const bad = Array.from(data);
        for (let k = 0; k < 1 + r.int(3); k++) {
          const at = r.int(bad.length + 1);
          const kind = r.int(5);
          // Mutations near the tables are the interesting ones: weight them.
          const where = kind < 2 && r.next() < 0.5 ? r.int(Math.min(bad.length, 24)) : at;
          if (kind === 0) bad[where] ^= 1 << r.int(8);
          else if (kind === 1) bad[where] = r.int(256);
          else if (kind === 2) bad.length = at;
          else if (kind === 3) bad.splice(at, 0, r.int(256));
          else bad.splice(at, 1);
        }
        const count = r.next() < 0.1 ? r.int(2 * symbols.length) : symbols.length;
        const code = outcome(Uint8Array.from(bad), count, bits);
        seen.set(code, (seen.get(code) ?? 0) + 1);
      }
      expect([...seen.keys()].filter((c) => c !== 'ok' && c !== 'CORRUPT_STREAM')).toEqual([]);
      expect(seen.get('CORRUPT_STREAM')).toBeGreaterThan(2400);
      expect(performance.now() - t0).toBeLessThan(20_000);
    });
  }

  it('random bytes of any length, any count and width: CORRUPT_STREAM or a right-sized result', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const data = Uint8Array.from({ length: r.int(48) }, () => (r.next() < 0.3 ? r.int(16) : r.int(256)));
      if (data.length > 0 && r.next() < 0.5) data[0] = 1 + r.int(15); // a valid scale more often
      seen.add(outcome(data, r.int(300), 1 + r.int(16)));
    }
    expect([...seen].filter((c) => c !== 'ok' && c !== 'CORRUPT_STREAM')).toEqual([]);
  });

  it('rejects each kind of inconsistency', () => {
    const { data } = encodeRans(Uint8Array.from({ length: 500 }, (_, i) => i % 7), 3)!;
    const code = (d: ArrayLike<number>, count = 500, bits = 3) => outcome(Uint8Array.from(d), count, bits);
    expect(code(data)).toBe('ok');
    expect(code(data.subarray(0, data.length - 1))).toBe('CORRUPT_STREAM'); // ends early
    expect(code([...data, 0])).toBe('CORRUPT_STREAM'); // bytes left over
    expect(code(data, 499)).toBe('CORRUPT_STREAM'); // final state is not the initial one
    expect(code(data, 500, 2)).toBe('CORRUPT_STREAM'); // 7 symbols described for 2-bit symbols
    expect(code([16, 0, 1, 0])).toBe('CORRUPT_STREAM'); // scale above 15
    expect(code([0], 1)).toBe('CORRUPT_STREAM'); // empty stream, 1 symbol
    expect(code([0], 0)).toBe('ok');
    expect(code([], 0)).toBe('CORRUPT_STREAM');
    expect(code([4, 0, 1, 0, 0, 0, 0, 0])).toBe('CORRUPT_STREAM'); // state 0 out of range
    expect(code([4, 0, 2, 16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).toBe('CORRUPT_STREAM'); // Exp-Golomb order 16
  });
});
