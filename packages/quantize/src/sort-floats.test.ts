import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedFloat32 } from './sort-floats.js';

/** What clusterTensor sorted with before: the builtin typed-array sort. */
const builtin = (xs: Float64Array) => Float64Array.from(xs).sort();

describe('sortedFloat32', () => {
  it('sorts float32 values exactly as the builtin sort does, on both sides of the radix threshold', () => {
    let radix = 0;
    fc.assert(
      fc.property(fc.float32Array({ noNaN: true, maxLength: 9000, size: 'max' }), (values) => {
        const xs = Float64Array.from(values);
        if (xs.length >= 4096) radix++;
        expect(sortedFloat32(xs)).toEqual(builtin(xs));
      }),
      { numRuns: 60 },
    );
    // Most draws are long enough for the radix sort (a uniform length up to 9,000).
    expect(radix).toBeGreaterThan(10);
  });

  it('orders infinities, signed zeros, subnormals and repeats; leaves its input as it was', () => {
    const special = [Infinity, -Infinity, 0, -0, 1.4e-45, -1.4e-45, 3.4028234663852886e38, -3.4028234663852886e38, 0.1, -0.1];
    const xs = Float64Array.from({ length: 10_000 }, (_, i) => Math.fround(special[i % special.length] * (i % 3 === 0 ? 1 : 0.5)));
    const copy = Float64Array.from(xs);
    const sorted = sortedFloat32(xs);
    expect(sorted).toEqual(builtin(xs));
    expect(Object.is(sorted[sorted.indexOf(0)], -0)).toBe(true);
    expect(xs).toEqual(copy);
  });

  it('puts NaN last, as the builtin sort does', () => {
    const xs = Float64Array.from({ length: 5000 }, (_, i) => (i === 17 ? NaN : Math.fround(Math.sin(i))));
    const sorted = sortedFloat32(xs);
    expect(Number.isNaN(sorted[4999])).toBe(true);
    expect(sorted.subarray(0, 4999)).toEqual(builtin(xs).subarray(0, 4999));
  });
});
