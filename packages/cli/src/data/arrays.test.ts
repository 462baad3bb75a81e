import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { readInputArray } from './arrays.js';

describe('readInputArray: the inputs of a .npy file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-arrays-'));
  const saved = (name: string, values: Float32Array | Float64Array | Int32Array, shape: number[]) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.from(dump(values, shape)));
    return path;
  };

  it('a missing value (NaN) or an infinite one is DATA_MISMATCH naming the sample and the value', async () => {
    for (const [bad, Typed] of [[Number.NaN, Float32Array], [Number.POSITIVE_INFINITY, Float64Array], [Number.NEGATIVE_INFINITY, Float32Array]] as const) {
      const values = new Typed(4 * 6).fill(0.5);
      values[2 * 6 + 5] = bad;
      await expect(readInputArray(saved('bad.npy', values, [4, 2, 3]))).rejects.toMatchObject({
        code: 'DATA_MISMATCH',
        message: expect.stringMatching(new RegExp(`bad\\.npy: value 5 of sample 2 is ${String(bad)}$`)),
        hint: expect.stringContaining('fill in missing values'),
      });
    }
  });

  it('finite floats and integer arrays are read as they are', async () => {
    const floats = Float32Array.from({ length: 12 }, (_, i) => i - 6.5);
    expect((await readInputArray(saved('ok.npy', floats, [3, 4]))).features).toEqual({ values: floats, shape: [3, 4] });
    const ints = Int32Array.from({ length: 6 }, (_, i) => i);
    expect((await readInputArray(saved('ints.npy', ints, [6]))).features.values).toEqual(ints);
  });
});
