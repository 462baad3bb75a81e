import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { readLabelledData } from './labelled-data.js';

describe('readLabelledData: class labels of a .npy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-labels-'));
  const inputs = join(dir, 'x.npy');
  writeFileSync(inputs, Buffer.from(dump(new Float32Array(4 * 3), [4, 3])));
  const labelsOf = (name: string, values: number[]) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.from(dump(Int32Array.from(values), [values.length])));
    return path;
  };
  const read = (labels: string, classes: number) => readLabelledData({ data: inputs, labels }, [3], classes, undefined);

  it('takes a binary classifier\'s −1/1 labels (an SVM\'s) as 0/1, and 0/1 as they are', async () => {
    expect(Array.from((await read(labelsOf('signed.npy', [-1, 1, 1, -1]), 1)).labels!)).toEqual([0, 1, 1, 0]);
    expect(Array.from((await read(labelsOf('plain.npy', [0, 1, 1, 0]), 1)).labels!)).toEqual([0, 1, 1, 0]);
    // All one class, either way.
    expect(Array.from((await read(labelsOf('ones.npy', [1, 1, 1, 1]), 1)).labels!)).toEqual([1, 1, 1, 1]);
  });

  it('refuses −1 beside 0, a 2 among −1/1, and −1 for a model of several classes, saying which label', async () => {
    await expect(read(labelsOf('mixed.npy', [0, 1, -1, 1]), 1)).rejects.toMatchObject({
      code: 'DATA_MISMATCH',
      message: expect.stringMatching(/label -1 of sample 2 is not a class index below 2 \(one output unit: a binary classifier, labels 0 and 1, or −1 and 1\)$/),
      hint: expect.stringMatching(/0\/1, or −1\/1 \(an SVM's\): one or the other in a file/),
    });
    await expect(read(labelsOf('two.npy', [-1, 1, 2, 1]), 1)).rejects.toMatchObject({ code: 'DATA_MISMATCH', message: expect.stringMatching(/label 2 of sample 2 .* or −1 and 1, as the file's −1s say\)$/) });
    await expect(read(labelsOf('three.npy', [-1, 1, 2, 1]), 3)).rejects.toMatchObject({ code: 'DATA_MISMATCH', message: expect.stringMatching(/label -1 of sample 0 is not a class index below 3 \(the model's 3 outputs\)$/) });
  });
});
