import { describe, expect, it } from 'vitest';
import { decodeRans } from '../decode/rans-decode.js';
import { encodeRans } from '../encode/rans-encode.js';
import { formatRansBench, runRansBench } from './run-bench.js';

describe('rans bench', () => {
  it('runs small and reports consistent figures (speed targets are checked by the bench, not here)', async () => {
    const reference = { name: 'self', encode: encodeRans, decode: decodeRans };
    const r = await runRansBench({ symbols: 20_000, repeat: 2, runs: 2, reference });
    expect(r.streams.map((s) => s.symbols)).toEqual([20_000, 20_000, 20_000]);
    for (const s of r.streams) {
      expect(s.bitsPerSymbol).toBeGreaterThan(s.threshold ? 3 : s.entropy * 0.99);
      expect(s.bitsPerSymbol).toBeLessThanOrEqual(s.entropy * 1.02 + 0.01);
      expect(s.reference!.bitsPerSymbol).toBe(s.bitsPerSymbol);
    }
    expect(r.streams.map((s) => s.threshold > 0)).toEqual([false, false, true]);
    expect(formatRansBench(r)).toContain('two tables');
  });
});
