/** One split of a folder in MNIST's IDX layout, as raw bytes (the model's preprocessing scales them). */
import { statSync } from 'node:fs';
import { DcError, isDcError } from '@dc/core';
import { readIdxSplit } from '@dc/core/mnist';
import type { NumericArray } from './npy.js';

/** The IDX file prefix of each split. */
export const IDX_SPLITS = { train: 'train', test: 't10k' } as const;

/** What a data path may be, for the refusals of one that is none of them. */
const DATA_FORMS = 'Data is an IDX folder (train-images-idx3-ubyte and its kin, as MNIST ships), photographs in class folders (train/<class>/*.png or <class>/*.jpg) or without labels (a folder of them, or one), a .npy array or a CSV table.';

/** Raw images (bytes, `[count, height, width]`) and labels of one split of an IDX folder. */
export async function readIdxFolder(dir: string, split: keyof typeof IDX_SPLITS): Promise<{ inputs: NumericArray; labels: NumericArray }> {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) throw new DcError('FILE_NOT_FOUND', `${dir}: no such file or folder`, { hint: `Check the path. ${DATA_FORMS}` });
  if (!info.isDirectory()) throw new DcError('BAD_DATA_FILE', `${dir} is neither a folder nor a .npy or .csv file`, { hint: DATA_FORMS });
  const { images, labels } = await readIdxSplit(dir, IDX_SPLITS[split]).catch((e: unknown) => {
    // The folder is neither an IDX folder nor photographs: say what it could be, not how to install MNIST.
    throw isDcError(e) && e.code === 'DATASET_NOT_FOUND' ? new DcError('DATASET_NOT_FOUND', `${dir} holds no ${IDX_SPLITS[split]}-images-idx3-ubyte (or .gz) and no photographs`, { cause: e, hint: DATA_FORMS }) : e;
  });
  return { inputs: { values: images.data, shape: images.dims }, labels: { values: labels.data, shape: labels.dims } };
}
