/**
 * Inputs for a model of one or more inputs: one source per input (`--calibration a.npy,b.npy`, in
 * the model's input order), each read as {@link readInputBatches} reads one, cut into the same
 * batches and zipped: per batch, one tensor per input. With several inputs, the pixel scale
 * (`--input-scale`, `--input-offset`, a file's record) is the photographs': it applies to the
 * sources that are photographs (a folder of them, or one), and `.npy` / CSV sources are taken as given (metadata
 * or recurrent states beside an image would otherwise be scaled as pixels).
 */
import { stat } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '@dc/core';
import { isPhotograph } from '../data/images.js';
import { readInputBatches, type InputBatches, type ReadInputOptions } from './calibration.js';
import type { ImageInputSpec } from './image-inputs.js';
import type { PixelScale } from './pixel-scale.js';

/** A model's inputs cut into batches: `batches[b][i]` feeds input `i`. */
export interface InputFeeds {
  readonly batches: tf.Tensor[][];
  readonly samples: number;
  /** What each input was read from, joined by `+` (`images`, `npy`, `csv`). */
  readonly source: string;
  /**
   * When some input is photographs read with a `jitterSeed`: every batch again per jitter draw
   * (`InputBatches.jittered`'s layout), the photographs jittered and the other inputs as they are.
   */
  readonly jittered?: tf.Tensor[][];
}

/** The sources of a comma-separated list (`a.npy,b.npy`): one per model input. */
export const inputSources = (list: string): string[] => list.split(',').map((s) => s.trim());

/** Every tensor of `feeds` (batches and jittered copies), for `tf.dispose`. */
export const feedTensors = (feeds: InputFeeds | undefined): tf.Tensor[] => [...(feeds?.batches ?? []), ...(feeds?.jittered ?? [])].flat();

/**
 * The pixel scale of each source: `pixels` for a model of one input; with several, `pixels` for
 * the folders of photographs and none for the others (see the module comment). A pixel scale other
 * than x = raw, given with several inputs and no folder among the sources, is `INVALID_OPTION`: it
 * would apply to nothing.
 */
async function pixelsPerSource(sources: readonly string[], pixels: PixelScale | undefined): Promise<(PixelScale | undefined)[]> {
  if (!pixels || sources.length === 1) return sources.map(() => pixels);
  // A source that cannot be read is no photographs here; readInputBatches reports it.
  const folders = await Promise.all(sources.map((s) => stat(s).then((info) => info.isDirectory() || isPhotograph(s), () => false)));
  const identity = pixels.scale.every((v) => v === 1) && pixels.offset.every((v) => v === 0);
  if (!folders.includes(true) && !identity) {
    throw new DcError('INVALID_OPTION', `--input-scale / --input-offset apply to the photograph folders among a model's several input sources, and none of ${sources.join(', ')} is one`, {
      option: 'input-scale',
      hint: 'With several inputs, give each .npy / CSV source in the values the model takes (scaled as it was trained), and leave out --input-scale / --input-offset.',
    });
  }
  return folders.map((folder) => (folder ? pixels : undefined));
}

/**
 * Reads one source per input of `specs` (see the module comment): `DATA_MISMATCH` for another
 * number of sources than inputs, or sources of different sample counts; each source's own errors
 * as `readInputBatches` gives them. Everything is read, or nothing is left allocated.
 */
export async function readInputFeeds(tfjs: typeof tf, sources: readonly string[], specs: readonly ImageInputSpec[], o: ReadInputOptions = {}): Promise<InputFeeds> {
  if (sources.length !== specs.length) {
    throw new DcError('DATA_MISMATCH', `the model has ${specs.length} input${specs.length === 1 ? '' : 's'} (${specs.map((s) => s.name).join(', ')}), and ${sources.length} input source${sources.length === 1 ? ' was' : 's were'} given (${sources.join(', ')})`, {
      hint: 'Give one source per model input, comma-separated, in the order of the inputs (e.g. --calibration images.npy,metadata.npy).',
    });
  }
  // The batch size of the strictest input: an input whose batch extent is fixed at 1 makes every batch 1.
  const batchSize = specs.some((s) => s.shape[0] === 1) ? 1 : o.batchSize;
  const { pixels: given, ...rest } = o;
  const pixels = await pixelsPerSource(sources, given);
  const read: InputBatches[] = [];
  try {
    for (const [i, source] of sources.entries()) {
      const own = { ...rest, ...(batchSize === undefined ? {} : { batchSize }), ...(pixels[i] ? { pixels: pixels[i] } : {}) };
      read.push(await readInputBatches(tfjs, source, specs[i], own));
    }
    const counts = read.map((r) => r.samples);
    if (counts.some((n) => n !== counts[0])) {
      throw new DcError('DATA_MISMATCH', `the input sources hold different numbers of samples: ${sources.map((s, i) => `${s} ${counts[i]}`).join(', ')}`, { hint: 'Give every input the same samples, in the same order.' });
    }
  } catch (e) {
    tfjs.dispose(read.flatMap((r) => [...r.batches, ...(r.jittered ?? [])]));
    throw e;
  }
  const batches = read[0].batches.map((_, b) => read.map((r) => r.batches[b]));
  const source = read.map((r) => r.source).join('+');
  const draws = read.find((r) => r.jittered)?.jittered?.length;
  if (draws === undefined) return { batches, samples: read[0].samples, source };
  // An input read without jitter is the same in every draw: a clone per draw, so each tensor is disposed once.
  const jittered = Array.from({ length: draws }, (_, j) => read.map((r) => r.jittered?.[j] ?? tfjs.clone(r.batches[j % r.batches.length])));
  return { batches, samples: read[0].samples, source, jittered };
}
