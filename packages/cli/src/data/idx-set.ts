/** One split of a folder in MNIST's IDX layout, as raw bytes (the model's preprocessing scales them). */
import { readIdxSplit } from '@dc/core/mnist';
import type { NumericArray } from './npy.js';

/** The IDX file prefix of each split. */
export const IDX_SPLITS = { train: 'train', test: 't10k' } as const;

/** Raw images (bytes, `[count, height, width]`) and labels of one split of an IDX folder. */
export async function readIdxFolder(dir: string, split: keyof typeof IDX_SPLITS): Promise<{ inputs: NumericArray; labels: NumericArray }> {
  const { images, labels } = await readIdxSplit(dir, IDX_SPLITS[split]);
  return { inputs: { values: images.data, shape: images.dims }, labels: { values: labels.data, shape: labels.dims } };
}
