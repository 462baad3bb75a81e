/**
 * Labelled photographs in the layout Keras' `image_dataset_from_directory` reads: one folder per
 * class, the classes in sorted name order (label 0 is the first), optionally under `train/` and
 * `test/` folders for the two splits. Each photograph is resized (bilinear) to the model input's
 * height and width, grey (BT.601 luma) for a one-channel input, and kept as bytes, so the model's
 * preprocessing scales it (byte / 255 by default) as it scales IDX pixels.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createRandom, DcError, fileReadError } from '@dc/core';
import { shuffledIndices } from '@dc/core/tfjs';
import { imageTensor } from '../no-retrain/image-inputs.js';
import { quietTfjs } from '../quiet-tfjs.js';
import type { IDX_SPLITS } from './idx-set.js';
import { isPhotograph, photographPaths, readImage, type RgbImage } from './images.js';
import type { NumericArray } from './npy.js';

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Whether `path` is photographs without labels: one photograph, or a folder holding photographs of its own. */
export async function isPhotographs(path: string): Promise<boolean> {
  if (isPhotograph(path)) return true;
  const info = await stat(path).catch(() => undefined);
  return info?.isDirectory() === true && (await readdir(path)).some(isPhotograph);
}

/** Whether the photograph folder `dir` is split into `train/` and / or `test/` folders. */
export async function hasSplitFolders(dir: string): Promise<boolean> {
  const subs = await subfolders(dir);
  return subs.includes('train') || subs.includes('test');
}

/**
 * Whether `dir` holds labelled photographs: a folder per class with images in it, directly or
 * under `train/` / `test/`, and no photograph of its own (an IDX folder holds files only, a folder
 * of photographs its photographs).
 */
export async function isImageClassFolder(dir: string): Promise<boolean> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory() || (await readdir(dir)).some(isPhotograph)) return false;
  const subs = await subfolders(dir);
  const root = (await hasSplitFolders(dir)) ? join(dir, subs.includes('train') ? 'train' : 'test') : dir;
  for (const c of await subfolders(root)) if ((await readdir(join(root, c))).some(isPhotograph)) return true;
  return false;
}

/** The photographs of `dir`'s `split` (every class folder, sorted) with their labels, and the class names. */
async function classFiles(dir: string, split: keyof typeof IDX_SPLITS): Promise<{ files: Array<{ path: string; label: number }>; classes: string[] }> {
  const subs = await subfolders(dir);
  const hasSplits = await hasSplitFolders(dir);
  if (hasSplits && !subs.includes(split)) {
    throw new DcError('DATASET_NOT_FOUND', `${dir} has no ${split}/ folder (it has ${subs.filter((s) => s === 'train' || s === 'test').join('/')}/)`, {
      hint: `Put the ${split} photographs under ${join(dir, split)}/<class>/, or pass their folder of class folders.`,
    });
  }
  const root = hasSplits ? join(dir, split) : dir;
  const classes: string[] = [];
  const files: Array<{ path: string; label: number }> = [];
  for (const c of await subfolders(root)) {
    const names = (await readdir(join(root, c))).filter(isPhotograph).sort();
    if (names.length === 0) continue;
    for (const n of names) files.push({ path: join(root, c, n), label: classes.length });
    classes.push(c);
  }
  if (files.length === 0) {
    throw new DcError('BAD_DATA_FILE', `${root} holds no class folder with PNG or JPEG photographs`, { hint: 'Lay the photographs out as <folder>/<class>/<image>.png (classes in sorted name order: label 0 first).' });
  }
  return { files, classes };
}

/**
 * The photographs of `dir`'s `split` as decoded images, class by class (for calibration and test
 * inputs, which need no labels).
 */
export async function readClassPhotographs(dir: string, split: keyof typeof IDX_SPLITS): Promise<RgbImage[]> {
  const { files } = await classFiles(dir, split);
  const out: RgbImage[] = [];
  for (const f of files) out.push(await readImage(f.path));
  return out;
}

/** `DATA_MISMATCH`, naming `where`, unless the model input is an image `[height, width, 1 or 3]`. */
function checkImageInput(inputShape: readonly number[], where: string): void {
  const channels = inputShape[2];
  if (inputShape.length !== 3 || (channels !== 1 && channels !== 3)) {
    throw new DcError('DATA_MISMATCH', `${where} holds photographs; the model input [${inputShape.join(', ')}] is not an image [height, width, 1 or 3]`, {
      hint: 'Give a .npy array of inputs in the model\'s input shape (with --labels), or an IDX folder.',
    });
  }
}

/** The photographs at `paths`, resized to the image input `[h, w, c]` and kept as bytes `[n, h, w, c]`. */
async function photographBytes(paths: readonly string[], inputShape: readonly number[]): Promise<NumericArray> {
  const [height, width, channels] = inputShape;
  const tfjs = await quietTfjs();
  const size = height * width * channels;
  const values = new Uint8Array(paths.length * size);
  // As photographs become any model's input, in bytes (an int32 input takes them so).
  const spec = { name: 'input', shape: [-1, height, width, channels], dtype: 'int32' };
  for (const [i, path] of paths.entries()) {
    const x = imageTensor(tfjs, await readImage(path), spec);
    values.set(x.dataSync(), i * size);
    x.dispose();
  }
  return { values, shape: [paths.length, height, width, channels] };
}

/**
 * The class names of `dir`'s `split` (sorted), and the photographs' bytes `[n, h, w, c]` for an
 * input `[h, w, c]` with their labels, in a fixed shuffled order (seed 1).
 */
export async function readImageClasses(dir: string, split: keyof typeof IDX_SPLITS, inputShape: readonly number[]): Promise<{ inputs: NumericArray; labels: NumericArray; classes: string[] }> {
  checkImageInput(inputShape, dir);
  const { files, classes } = await classFiles(dir, split);
  // A fixed shuffle (seed 1), as Keras shuffles: the last rows, which dc compress holds out for validation, hold every class.
  const order = shuffledIndices(files.length, createRandom(1));
  const shuffled = Array.from(order, (i) => files[i]);
  return {
    inputs: await photographBytes(shuffled.map((f) => f.path), inputShape),
    labels: { values: Int32Array.from(shuffled, (f) => f.label), shape: [files.length] },
    classes,
  };
}

/**
 * Unlabelled photographs for a model input `[h, w, c]`: every photograph of the folder `path` (by
 * name), or the one photograph `path`, as bytes `[n, h, w, c]` (`BAD_DATA_FILE` for a folder with
 * none).
 */
export async function readPhotographs(path: string, inputShape: readonly number[]): Promise<NumericArray> {
  checkImageInput(inputShape, path);
  const info = await stat(path).catch((cause: unknown) => {
    throw fileReadError(path, cause, 'BAD_DATA_FILE', { hint: 'Pass a folder of .png / .jpg photographs, or one.' });
  });
  return photographBytes(info.isDirectory() ? await photographPaths(path) : [path], inputShape);
}
