import { describe, expect, it } from 'vitest';
import { canonicalCodebook } from './fine-tune.js';

describe('canonicalCodebook', () => {
  it('sorts centroids, merges equal ones, drops unused ones, and keeps every weight value', () => {
    const centroids = Float32Array.of(0.5, -0.25, 0.75, 0.5, 9);
    const positions = Uint32Array.of(1, 4, 6, 7, 9);
    const codes = Uint8Array.of(0, 1, 2, 3, 1);
    const cb = canonicalCodebook(3, centroids, positions, codes);
    expect(Array.from(cb.centroids)).toEqual([-0.25, 0.5, 0.75]);
    expect(Array.from(cb.codes)).toEqual([1, 0, 2, 1, 0]);
    expect(cb.positions).toBe(positions);
    expect(cb.bits).toBe(3);
    codes.forEach((c, i) => expect(cb.centroids[cb.codes[i]]).toBe(centroids[c]));
  });
});
