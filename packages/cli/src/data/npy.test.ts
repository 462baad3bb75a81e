import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { readNpy, readNpyShape } from './npy.js';

describe('readNpyShape: a .npy array\'s shape from its header alone', () => {
  it('gives the shape readNpy reads, for every rank, without reading the array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-npy-'));
    const shapes = [[7], [3, 20], [2, 4, 4, 3], [0, 5]];
    for (const [i, shape] of shapes.entries()) {
      const path = join(dir, `a${i}.npy`);
      writeFileSync(path, Buffer.from(dump(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape)));
      expect(await readNpyShape(path)).toEqual((await readNpy(path)).shape);
      expect(await readNpyShape(path)).toEqual(shape);
    }
  });

  it('refuses what is not a .npy file, or is missing, with the codes readNpy uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-npy-bad-'));
    writeFileSync(join(dir, 'x.npy'), 'id,label\n1,2\n');
    await expect(readNpyShape(join(dir, 'x.npy'))).rejects.toMatchObject({ code: 'BAD_DATA_FILE', message: expect.stringMatching(/no \.npy header/) });
    await expect(readNpyShape(join(dir, 'missing.npy'))).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND' });
  });
});
