/**
 * Calibration (and test) inputs for post-training compression, from a folder of photographs, a
 * `.npy` array or a CSV table, checked against the model's input before any long work and cut into
 * batches.
 */
import { stat } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import { createRandom, DcError, fileReadError } from '@dc/core';
import { isImageClassFolder, readClassPhotographs } from '../data/image-classes.js';
import { isPhotograph, readImage, readImageDir } from '../data/images.js';
import { readInputArray } from '../data/arrays.js';
import { isCsv, type ColumnChoice } from '../data/csv.js';
import { channelAxisOf, checkPixelScale, imageTensor, jitterInput, type ImageInputSpec } from './image-inputs.js';
import { channelPair, mapChannels, type PixelScale } from './pixel-scale.js';

/** Samples cut into batches, one tensor per batch (the model has one input). */
export interface InputBatches {
  readonly batches: tf.Tensor[];
  readonly samples: number;
  /** `images` (resized photographs: [0, 1], as a pixel scale says, or [0, 255] for int32 inputs), or `npy` / `csv` (values as given, or × scale + offset). */
  readonly source: 'images' | 'npy' | 'csv';
  /**
   * Photographs, when asked for with a `jitterSeed`: the same batches jittered by one grey level
   * (see `jitterInput`), {@link JITTER_DRAWS} draws one after another (draw j's batch b at
   * `j × batches.length + b`); never for a `.npy`, whose grey level is unknown.
   */
  readonly jittered?: tf.Tensor[];
}

/**
 * Jittered copies of each photograph: an entry the original changes under one draw and not
 * another (a keypoint between two near-equal heatmap peaks, a near-tie of two classes) is caught
 * by as many draws as the original is run for, one run per batch each.
 */
export const JITTER_DRAWS = 4;

/**
 * `draws` jittered copies of `batches`, one draw after another (draw j's batch b at
 * `j × batches.length + b`), each batch jittered by `jitter` in that order: the layout
 * `jitteredCalibration` of `@dc/allocate` reads.
 */
export function jitteredDraws<B>(batches: readonly B[], jitter: (batch: B) => B, draws = JITTER_DRAWS): B[] {
  const out: B[] = [];
  for (let d = 0; d < draws; d++) for (const b of batches) out.push(jitter(b));
  return out;
}

/** Options of {@link readInputBatches}. */
export interface ReadInputOptions {
  /** At most this many samples per batch (1 when the input's batch dimension is fixed at 1); default 8. */
  readonly batchSize?: number;
  /** Photographs also come jittered ({@link JITTER_DRAWS} draws) from this seed. */
  readonly jitterSeed?: number;
  /**
   * A float input's values from a photograph's bytes (`--input-scale`, `--input-offset`; default
   * byte / 255); a `.npy` array's values are taken as raw and scaled the same way. `INVALID_OPTION`
   * for an int32 input.
   */
  readonly pixels?: PixelScale;
  /** Photographs in class folders split into `train/` and `test/`: which split to read (default `test`; calibration reads `train`). */
  readonly split?: 'train' | 'test';
  /** A CSV table's label or target columns, which are not inputs (`--label-column`, `--target-columns`). */
  readonly columns?: ColumnChoice;
  /** Only the first this many samples (photographs in the order read: by class folder, then by name; rows of an array); default all. */
  readonly limit?: number;
}

/**
 * Reads `path` (a folder of `.png` / `.jpg` photographs, photographs in class folders: those of
 * `o.split`, one photograph, a `.npy` array `[n, ...input shape]`, or a CSV table of one row per sample, its
 * `o.columns` left out) for the model input `spec` (`-1`: any
 * size): `DATA_MISMATCH` when the array's shape does not fit, `BAD_DATA_FILE` when nothing can be
 * read.
 */
export async function readInputBatches(tfjs: typeof tf, path: string, spec: ImageInputSpec, o: ReadInputOptions = {}): Promise<InputBatches> {
  const { jitterSeed, pixels } = o;
  checkPixelScale(spec, pixels);
  const per = spec.shape[0] === 1 ? 1 : (o.batchSize ?? 8);
  const info = await stat(path).catch((cause: unknown) => {
    throw fileReadError(path, cause, 'BAD_DATA_FILE', { hint: 'Pass a folder of .png / .jpg photographs (or one), a .npy file or a CSV table to --calibration / --data.' });
  });
  if (info.isDirectory() || isPhotograph(path)) {
    const all = !info.isDirectory() ? [await readImage(path)] : (await isImageClassFolder(path)) ? await readClassPhotographs(path, o.split ?? 'test') : await readImageDir(path);
    const images = o.limit === undefined ? all : all.slice(0, o.limit);
    const batches = group(tfjs, images.map((img) => imageTensor(tfjs, img, spec, undefined, pixels)), per);
    if (jitterSeed === undefined) return { batches, samples: images.length, source: 'images' };
    const random = createRandom(jitterSeed);
    const jittered = jitteredDraws(batches, (b) => jitterInput(tfjs, b, random, pixels, channelAxisOf(spec)));
    return { batches, samples: images.length, source: 'images', jittered };
  }
  const csv = isCsv(path);
  const array = (await readInputArray(path, o.columns)).features;
  const rest = spec.shape.slice(1);
  const fits = array.shape.length === spec.shape.length && rest.every((d, i) => d < 0 || d === array.shape[i + 1]);
  if (!fits || array.shape[0] === 0) {
    throw new DcError('DATA_MISMATCH', `${path} has shape [${array.shape.join(', ')}], the model input ${spec.name} takes [n, ${rest.map((d) => (d < 0 ? '?' : d)).join(', ')}]`, {
      hint: "Save the inputs as one array of shape [samples, ...the model's input shape], preprocessed as the model expects.",
    });
  }
  checkPixelScale(spec, pixels, array.shape[channelAxisOf(spec)]);
  const size = array.values.length / array.shape[0];
  const n = Math.min(array.shape[0], o.limit ?? Infinity);
  const dtype = spec.dtype === 'int32' ? 'int32' : 'float32';
  const batches: tf.Tensor[] = [];
  for (let s = 0; s < n; s += per) {
    const m = Math.min(per, n - s);
    const raw = array.values.subarray(s * size, (s + m) * size);
    const shape = [m, ...array.shape.slice(1)];
    const values = dtype === 'int32' ? Int32Array.from(raw) : pixels ? scaledValues(raw, shape, channelAxisOf(spec), pixels) : Float32Array.from(raw);
    batches.push(tfjs.tensor(values, shape, dtype));
  }
  return { batches, samples: n, source: csv ? 'csv' : 'npy' };
}

/** Raw values `raw × scale + offset`, per channel on `axis`. */
function scaledValues(raw: ArrayLike<number>, shape: readonly number[], axis: number, pixels: PixelScale): Float32Array {
  return mapChannels(raw, shape, axis, new Float32Array(raw.length), (v, c) => {
    const [scale, offset] = channelPair(pixels, c);
    return v * scale + offset;
  });
}

/** Single-sample tensors concatenated into batches of `per`. */
function group(tfjs: typeof tf, singles: tf.Tensor[], per: number): tf.Tensor[] {
  if (per === 1) return singles;
  const out: tf.Tensor[] = [];
  for (let s = 0; s < singles.length; s += per) out.push(tfjs.concat(singles.slice(s, s + per), 0));
  tfjs.dispose(singles);
  return out;
}
