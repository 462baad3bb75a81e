/**
 * What `dc run` (and `dc compress`) read as data: an IDX folder (one split), a folder of labelled
 * photographs (a folder per class, optionally under `train/` and `test/`), unlabelled photographs
 * (a folder of them, or one), `.npy` arrays or CSV
 * tables (labels or targets in their own file, or in columns of the inputs' table), checked
 * against the model's input and output, and turned into model inputs by the preprocessing the file
 * records (`x = raw · scale + offset`), or by the flags that override it.
 */
import { extname } from 'node:path';
import { DcError, sizeOfShape, type Preprocessing } from '@dc/core';
import { readIdxFolder, type IDX_SPLITS } from './idx-set.js';
import { isImageClassFolder, isPhotographs, readImageClasses, readPhotographs } from './image-classes.js';
import { isCsv, type ColumnChoice } from './csv.js';
import { readArray, readInputArray } from './arrays.js';
import type { NumericArray } from './npy.js';
import { checkTargets, readTargets } from './targets.js';

/** Where the data comes from. */
export interface DataSource extends ColumnChoice {
  /**
   * An IDX folder, a folder of class folders of photographs (optionally under `train/`, `test/`),
   * photographs without labels (a folder of them, or one), or a `.npy` or `.csv` file of inputs (a CSV table's `labelColumn` or `targetColumns` are not inputs).
   */
  readonly data: string;
  /** A `.npy` or `.csv` file of integer class labels (with array inputs): one per sample, or one per position of a tagger's or segmenter's output. */
  readonly labels?: string;
  /** A `.npy` or `.csv` file of float targets shaped like the model's output (with array inputs; a regression model's, in place of `labels`). */
  readonly targets?: string;
  /** Which split of an IDX folder (or of a photograph folder with `train/` and `test/`); default `test`. */
  readonly split?: keyof typeof IDX_SPLITS;
  /** Only the first `limit` samples. */
  readonly limit?: number;
}

/** Samples ready for the model: float32 inputs, row-major, and labels when given. */
export interface LabelledData {
  readonly inputs: Float32Array;
  /** Class indices, row-major: one per sample, or `positions` of them per sample. */
  readonly labels?: Int32Array;
  /** Float targets, row-major, `targetShape` per sample (the model's output shape), when given in place of labels. */
  readonly targets?: Float32Array;
  readonly targetShape?: readonly number[];
  /** The shape of a sample's labels for a model whose output is `[...positions, classes]` (a tagger's tokens, a segmenter's pixels); absent: one label per sample. */
  readonly positions?: readonly number[];
  readonly count: number;
  /** The scaling applied to the raw values (none: used as given). */
  readonly preprocessing?: Preprocessing;
}

/** Pixels stored as bytes (IDX files, uint8 `.npy`) are scaled to [0, 1], as MNIST models expect. */
export const BYTE_PIXELS: Preprocessing = { scale: [1 / 255], offset: [0] };

/**
 * Reads `source` for a model of `inputShape` whose output is `output`: its shape, whose last axis
 * holds the classes and whose other axes each take a label (a classifier's `[classes]`: one label
 * per sample; a tagger's `[tokens, classes]`: one per token), or a number of classes. Applies
 * `preprocessing`; `'auto'` scales byte data (IDX, photographs, uint8 `.npy`) by 1/255 and leaves
 * other dtypes as they are; none (a file that records none, and no flags) scales photographs by
 * 1/255, as `dc compress --calibration` reads them, and leaves the rest as given.
 */
export async function readLabelledData(source: DataSource, inputShape: readonly number[], output: number | readonly number[], preprocessing: Preprocessing | 'auto' | undefined): Promise<LabelledData> {
  const [classes, positions] = typeof output === 'number' ? [output, []] : [output.at(-1) ?? 1, output.slice(0, -1)];
  const csv = isCsv(source.data);
  const array = csv || extname(source.data) === '.npy';
  if (source.targets !== undefined && (source.labels !== undefined || !array)) {
    throw new DcError('INVALID_OPTION', `${source.targets}: targets go with .npy or .csv inputs, in place of class labels`, { option: 'targets', hint: 'Give --data inputs.npy (or .csv) with either --labels (a classifier) or --targets (any other model), not both.' });
  }
  checkColumnChoice(source, csv);
  // One name per class the model tells apart (one sigmoid unit: two).
  const told = classes === 1 ? 2 : classes;
  if (source.classes !== undefined && source.classes.length !== told) {
    throw new DcError('INVALID_OPTION', `--classes names ${source.classes.length} classes (${source.classes.join(', ')}); the model tells ${told} apart`, { option: 'classes', hint: `List all ${told}, in the order the model was trained on.` });
  }
  const read = async (): Promise<{ inputs: NumericArray; labels?: NumericArray; targets?: NumericArray; photographs?: boolean }> => {
    if (array) {
      const { features, ...columns } = await readInputArray(source.data, source);
      return { inputs: features, ...columns };
    }
    if (await isImageClassFolder(source.data)) return { ...(await readImageClasses(source.data, source.split ?? 'test', inputShape)), photographs: true };
    // Photographs without class folders (or one): inputs alone, to be classified (or labelled by --labels).
    if (await isPhotographs(source.data)) return { inputs: await readPhotographs(source.data, inputShape), photographs: true };
    return readIdxFolder(source.data, source.split ?? 'test');
  };
  const columns = await read();
  const { inputs } = columns;
  const labels = columns.labels ?? (source.labels ? await readArray(source.labels) : undefined);
  const used = preprocessing === 'auto' ? (inputs.values instanceof Uint8Array ? BYTE_PIXELS : undefined) : (preprocessing ?? (columns.photographs ? BYTE_PIXELS : undefined));
  const perSample = sizeOfShape(inputShape);
  const total = inputs.shape[0] ?? 0;
  if (inputs.shape.length < 1 || sizeOfShape(inputs.shape.slice(1)) !== perSample) {
    throw new DcError('DATA_MISMATCH', `${source.data}: samples of shape [${inputs.shape.slice(1).join(', ')}] do not fit the model input [${inputShape.join(', ')}]`, {
      hint: `Give an array of shape [N, ${inputShape.join(', ')}] (or any shape with ${perSample} values per sample).`,
    });
  }
  const count = Math.min(total, source.limit ?? total);
  const targetShape = typeof output === 'number' ? [output] : output;
  return {
    inputs: preprocess(inputs, count * perSample, inputShape, used),
    ...(labels ? { labels: checkLabels(labels, total, count, classes, positions, source) } : {}),
    ...(labels && positions.length > 0 ? { positions } : {}),
    ...(columns.targets || source.targets ? { targets: columns.targets ? checkTargets(columns.targets, `${source.data} (--target-columns)`, total, count, targetShape) : await readTargets(source.targets!, total, count, targetShape), targetShape } : {}),
    count,
    ...(used ? { preprocessing: used } : {}),
  };
}

/** Column options pick columns of a CSV `--data` table, in place of a labels or targets file. */
function checkColumnChoice(source: DataSource, csv: boolean): void {
  const option = source.labelColumn !== undefined ? '--label-column' : source.targetColumns !== undefined ? '--target-columns' : undefined;
  if (source.classes !== undefined && source.labelColumn === undefined) throw new DcError('INVALID_OPTION', '--classes names the classes of a CSV label column: give --label-column too', { option: 'classes' });
  if (option === undefined) return;
  if (!csv) throw new DcError('INVALID_OPTION', `${option} picks columns of a CSV table, and ${source.data} is not a .csv file`, { option, hint: 'Give --data table.csv, or the labels (--labels) or targets (--targets) as a file of their own.' });
  if (source.labelColumn !== undefined && source.targetColumns !== undefined) throw new DcError('INVALID_OPTION', 'give --label-column (a classifier) or --target-columns (any other model), not both', { option });
  if (source.labels !== undefined || source.targets !== undefined) throw new DcError('INVALID_OPTION', `${option} takes the ${source.labelColumn !== undefined ? 'labels' : 'targets'} from ${source.data}; --labels / --targets give them in a file of their own`, { option, hint: 'Keep one of them.' });
}

function preprocess(raw: NumericArray, n: number, inputShape: readonly number[], p: Preprocessing | undefined): Float32Array {
  const out = new Float32Array(n);
  const channels = inputShape[inputShape.length - 1];
  const scale = p?.scale ?? [1];
  const offset = p?.offset ?? [0];
  for (let i = 0; i < n; i++) {
    const c = i % channels;
    out[i] = Number(raw.values[i]) * scale[scale.length === 1 ? 0 : c] + offset[offset.length === 1 ? 0 : c];
  }
  return out;
}

function checkLabels(labels: NumericArray, total: number, count: number, classes: number, positions: readonly number[], source: DataSource): Int32Array {
  const where = source.labels ?? source.data;
  const perSample = sizeOfShape(positions);
  if (labels.shape[0] !== total || sizeOfShape(labels.shape.slice(1)) !== perSample) {
    const shape = perSample === 1 ? '[N]' : `[N, ${positions.join(', ')}]`;
    const given = labels.shape.length === 1 ? `${labels.shape[0]} labels` : `labels of shape [${labels.shape.join(', ')}]`;
    const wanted = perSample === 1 ? '' : `; the model outputs [${[...positions, classes].join(', ')}], so it takes a class label per position, shape ${shape}`;
    throw new DcError('DATA_MISMATCH', `${where}: ${given} for ${total} samples${wanted}`, {
      hint: perSample === 1 ? `Give one integer class label per sample, shape ${shape}.` : `Give integer class labels of shape ${shape} (one per token, pixel or position of the output).`,
    });
  }
  const out = new Int32Array(count * perSample);
  // One output unit is a binary classifier (a sigmoid, or an SVM-style margin): labels 0 and 1, or −1 and 1.
  const below = Math.max(classes, 2);
  const signed = classes === 1 && signedBinary(labels, out.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(labels.values[i]);
    const index = signed ? (v + 1) / 2 : v;
    if (!Number.isInteger(index) || index < 0 || index >= below) {
      const at = perSample === 1 ? `sample ${i}` : `sample ${Math.floor(i / perSample)}, position ${i % perSample}`;
      const told = classes === 1 ? ` (one output unit: a binary classifier, labels 0 and 1, or −1 and 1${signed ? ', as the file\'s −1s say' : ''})` : ` (the model's ${classes} outputs)`;
      throw new DcError('DATA_MISMATCH', `${where}: label ${v} of ${at} is not a class index below ${below}${told}`, { hint: classes === 1 ? 'A binary classifier takes labels 0/1, or −1/1 (an SVM\'s): one or the other in a file.' : 'Labels must be integers 0..classes-1 (one-hot labels: take argmax first).' });
    }
    out[i] = index;
  }
  return out;
}

/** Whether the first `n` labels are a binary classifier's −1/1 (an SVM's): some −1, no 0. */
function signedBinary(labels: NumericArray, n: number): boolean {
  let negative = false;
  for (let i = 0; i < n; i++) {
    const v = Number(labels.values[i]);
    if (v === 0) return false;
    if (v === -1) negative = true;
  }
  return negative;
}
