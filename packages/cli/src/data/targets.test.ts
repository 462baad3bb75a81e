import { describe, expect, it } from 'vitest';
import { checkTargets } from './targets.js';

describe('checkTargets: regression targets against the model output', () => {
  it('reads the first samples\' targets as float32', () => {
    const values = Float64Array.from({ length: 8 }, (_, i) => i / 4);
    expect(checkTargets({ values, shape: [4, 2] }, 'y.npy', 4, 3, [2])).toEqual(Float32Array.from(values.subarray(0, 6)));
  });

  it('a NaN or infinite target among those used is DATA_MISMATCH naming the sample; one past them is not read', () => {
    const values = new Float64Array(8).fill(1);
    values[2 * 2 + 1] = Number.NaN;
    expect(() => checkTargets({ values, shape: [4, 2] }, 'y.npy', 4, 4, [2])).toThrow(/DATA_MISMATCH.*y\.npy: target 1 of sample 2 is NaN/);
    values[2 * 2 + 1] = Number.NEGATIVE_INFINITY;
    expect(() => checkTargets({ values, shape: [4, 2] }, 'y.npy', 4, 4, [2])).toThrow(/target 1 of sample 2 is -Infinity/);
    expect(checkTargets({ values, shape: [4, 2] }, 'y.npy', 4, 2, [2])).toEqual(new Float32Array(4).fill(1));
  });
});
