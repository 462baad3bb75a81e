import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { isImageClassFolder, readClassPhotographs, readImageClasses } from './image-classes.js';
import { BYTE_PIXELS, readLabelledData } from './labelled-data.js';

/** `n` solid `rgb` PNGs of 6×5 pixels in `dir`. */
function solid(dir: string, n: number, rgb: readonly [number, number, number]): void {
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < n; k++) {
    const png = new PNG({ width: 6, height: 5 });
    for (let i = 0; i < 30; i++) png.data.set([...rgb, 255], i * 4);
    writeFileSync(join(dir, `p${k}.png`), PNG.sync.write(png));
  }
}

const RED = [200, 10, 20] as const;
const BLUE = [5, 30, 240] as const;

describe('photographs in class folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'dc-image-classes-'));
  const split = join(root, 'split');
  solid(join(split, 'train', 'red'), 10, RED);
  solid(join(split, 'train', 'blue'), 10, BLUE);
  solid(join(split, 'test', 'red'), 3, RED);
  solid(join(split, 'test', 'blue'), 2, BLUE);
  writeFileSync(join(split, 'train', 'README.txt'), 'not a class');
  const flat = join(root, 'flat');
  solid(join(flat, 'b-second'), 2, BLUE);
  solid(join(flat, 'a-first'), 1, RED);
  mkdirSync(join(flat, 'empty'));

  it('labels by class folder in sorted name order, resizes to the input and keeps bytes (scaled by the preprocessing, byte / 255 by default)', async () => {
    const train = await readLabelledData({ data: split, split: 'train' }, [4, 4, 3], 2, 'auto');
    expect(train.count).toBe(20);
    expect(train.preprocessing).toEqual(BYTE_PIXELS);
    // blue < red: blue is class 0. Each sample is its folder's colour, exactly (a solid photograph resizes to itself).
    for (let s = 0; s < 20; s++) {
      const colour = train.labels![s] === 0 ? BLUE : RED;
      for (let i = 0; i < 16 * 3; i++) expect(train.inputs[s * 48 + i]).toBe(Math.fround(colour[i % 3] / 255));
    }
    // A fixed shuffle: the last fifth (what dc compress holds out for validation) holds both classes.
    expect(new Set(train.labels!.subarray(16))).toEqual(new Set([0, 1]));
    const test = await readLabelledData({ data: split }, [4, 4, 3], 2, 'auto');
    expect(test.count).toBe(5);
    expect(Array.from(test.labels!).sort()).toEqual([0, 0, 1, 1, 1]);
  });

  it('grey for a one-channel input (BT.601 luma); a folder without train/ and test/ is every split; empty class folders are no class', async () => {
    const grey = await readImageClasses(flat, 'test', [2, 2, 1]);
    expect(grey.classes).toEqual(['a-first', 'b-second']);
    expect(grey.inputs.shape).toEqual([3, 2, 2, 1]);
    const luma = (c: readonly number[]) => Math.round(0.2989 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
    for (let s = 0; s < 3; s++) expect(grey.inputs.values[s * 4]).toBe(luma(grey.labels.values[s] === 0 ? RED : BLUE));
    expect((await readImageClasses(flat, 'train', [2, 2, 1])).inputs.shape).toEqual([3, 2, 2, 1]);
  });

  it('tells photographs from IDX folders, and fails clearly: a missing split, an input that is not an image, no photographs', async () => {
    expect(await isImageClassFolder(split)).toBe(true);
    expect(await isImageClassFolder(flat)).toBe(true);
    expect(await isImageClassFolder(join(flat, 'empty'))).toBe(false);
    expect(await isImageClassFolder(join(root, 'nowhere'))).toBe(false);
    // A folder of photographs (with a subfolder) is read as photographs, not as classes.
    solid(join(flat, 'a-first', 'nested'), 1, RED);
    expect(await isImageClassFolder(join(flat, 'a-first'))).toBe(false);
    expect(await readClassPhotographs(split, 'train')).toHaveLength(20);
    const onlyTrain = join(root, 'only-train');
    solid(join(onlyTrain, 'train', 'red'), 1, RED);
    await expect(readImageClasses(onlyTrain, 'test', [4, 4, 3])).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND', hint: expect.stringContaining(join(onlyTrain, 'test')) });
    await expect(readImageClasses(split, 'train', [784])).rejects.toMatchObject({ code: 'DATA_MISMATCH' });
    await expect(readImageClasses(join(flat, 'empty'), 'test', [4, 4, 3])).rejects.toMatchObject({ code: 'BAD_DATA_FILE' });
  });
});
