import { describe, expect, it } from 'vitest';
import { JITTER_DRAWS, jitteredDraws } from './calibration.js';

describe('jitteredDraws', () => {
  it('lays out the draws one after another, each batch jittered once per draw in order', () => {
    let calls = 0;
    const out = jitteredDraws(['a', 'b', 'c'], (b) => `${b}${calls++}`);
    expect(out).toEqual(['a0', 'b1', 'c2', 'a3', 'b4', 'c5', 'a6', 'b7', 'c8', 'a9', 'b10', 'c11']);
    expect(out).toHaveLength(3 * JITTER_DRAWS);
    expect(jitteredDraws([1, 2], (b) => -b, 2)).toEqual([-1, -2, -1, -2]);
    expect(jitteredDraws([1, 2], (b) => b, 0)).toEqual([]);
  });
});
