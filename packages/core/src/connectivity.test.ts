import { describe, expect, it } from 'vitest';
import { connectedPositions, connectivityForDensity, connectivityHash, connectivityMask, isSeededConnectivity } from './connectivity.js';
import { isDcError } from './errors/dc-error.js';

describe('seeded connectivity', () => {
  // Values computed apart from this code, with Python's arbitrary-precision integers, from the spec.
  it('hashes as docs/format.md §2.10 specifies (fixed values any reader must reproduce)', () => {
    expect([0, 1, 2, 1000, 2 ** 28 - 1].map((i) => connectivityHash(i, 0))).toEqual([0, 301794027, 3140136926, 1495803851, 3827965624]);
    expect(connectivityHash(5, 0xffffffff)).toBe(720606059);
  });

  it('is a bijection of the index for a fixed seed (no two elements share a draw)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(connectivityHash(i, 12345));
    expect(seen.size).toBe(100_000);
  });

  it('connects the expected share, and mask and positions agree', () => {
    const c = connectivityForDensity(7, 0.1);
    const n = 200_000;
    const positions = connectedPositions(c, n);
    const mask = connectivityMask(c, n);
    expect(positions.length).toBe(mask.reduce((a, b) => a + b, 0));
    positions.forEach((p) => expect(mask[p]).toBe(1));
    expect(Math.abs(positions.length - 0.1 * n)).toBeLessThan(4 * Math.sqrt(n * 0.1 * 0.9));
    expect(Array.from(positions.subarray(1)).every((p, i) => p > positions[i])).toBe(true);
  });

  it('checks seeds and thresholds', () => {
    expect(isSeededConnectivity({ seed: 0, keep: 1 })).toBe(true);
    expect(isSeededConnectivity({ seed: 2 ** 32 - 1, keep: 2 ** 32 - 1 })).toBe(true);
    for (const bad of [{ seed: -1, keep: 1 }, { seed: 0, keep: 0 }, { seed: 0, keep: 2 ** 32 }, { seed: 0.5, keep: 1 }, null, { seed: 0 }]) expect(isSeededConnectivity(bad)).toBe(false);
    expect(connectivityForDensity(1, 1e-12).keep).toBe(1);
    for (const [seed, density] of [[1, 0], [1, 1], [-1, 0.5], [2 ** 32, 0.5]]) {
      let error: unknown;
      try {
        connectivityForDensity(seed, density);
      } catch (e) {
        error = e;
      }
      expect(isDcError(error) && error.code).toBe('INVALID_OPTION');
    }
  });
});
