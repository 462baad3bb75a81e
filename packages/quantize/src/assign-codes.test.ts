import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignCodes } from './cluster-tensor.js';
import { midpoints, nearest } from './lloyd-1d.js';

/** Sorted, distinct float32 centroids from any floats. */
const centroidsOf = (xs: readonly number[]) => Float32Array.from(new Set(xs.map(Math.fround))).sort();

describe('assignCodes', () => {
  it("gives every value nearest's code, by a bucket table and a short walk (property)", () => {
    const finite = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 300 }), fc.array(fc.oneof(finite, fc.constantFrom(Infinity, -Infinity, NaN, 0, -0)), { maxLength: 400 }), (raw, values) => {
        const centroids = centroidsOf(raw);
        const mids = midpoints(centroids);
        const codes = assignCodes(values, centroids);
        expect(Array.from(codes)).toEqual(values.map((v) => nearest(mids, v)));
      }),
      { numRuns: 300 },
    );
  });

  it('on a heavy-tailed tensor with 1,024 centroids: 16-bit codes, the same as the binary search', () => {
    const values = Float64Array.from({ length: 50_000 }, (_, i) => Math.fround(Math.sin(i * 12.9898) * Math.exp(3 * Math.cos(i * 0.37))));
    const centroids = centroidsOf(Array.from({ length: 1024 }, (_, j) => Math.sinh((j - 512) / 60)));
    const codes = assignCodes(values, centroids);
    expect(codes).toBeInstanceOf(Uint16Array);
    const mids = midpoints(centroids);
    expect(Array.from(codes)).toEqual(Array.from(values, (v) => nearest(mids, v)));
    // Ties at a boundary go to the lower centroid.
    expect(Array.from(assignCodes([mids[3], mids[1000]], centroids))).toEqual([3, 1000]);
  });
});
