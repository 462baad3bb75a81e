/**
 * The data of a `dc compress` run: training samples (an IDX folder's train split, photographs, `.npy` arrays or CSV tables)
 * and test samples (the folder's test split, or `--test-data`), read and checked against the model
 * before any work, with the input scaling recorded for the file.
 */
import { extname } from 'node:path';
import { DcError, type Preprocessing } from '@dc/core';
import { columnChoice, isCsv } from '../data/csv.js';
import { readLabelledData, type DataSource, type LabelledData } from '../data/labelled-data.js';
import { hasSplitFolders, isImageClassFolder, isPhotographs } from '../data/image-classes.js';
import { checkPixelScale } from '../no-retrain/image-inputs.js';
import { pixelScaleOf, type ScaleFlag } from '../no-retrain/pixel-scale.js';
import { UNSCALED, type RawInput } from './input-rescaling.js';
import type { RecordedPreprocessing } from './settings.js';

/** Where `dc compress` reads its data. */
export interface CompressDataOptions {
  /** An IDX folder (train split for training, test split for the measurement), photographs in class folders, or a `.npy` or CSV table of inputs. */
  readonly data?: string;
  /** Integer class labels of `.npy` or CSV training inputs. */
  readonly labels?: string;
  /** Float targets shaped like the output, in place of labels (a model that is not a classifier). */
  readonly targets?: string;
  /** `.npy` or CSV test inputs and labels or targets (an IDX folder's test split is used without them). */
  readonly testData?: string;
  readonly testLabels?: string;
  readonly testTargets?: string;
  /** With CSV tables: the column of the class labels, or the columns of the targets (in `data` and `testData` alike). */
  readonly labelColumn?: string;
  readonly targetColumns?: readonly string[];
  /** With `labelColumn`: the class names its cells hold, in the model's order (`--classes`). */
  readonly classes?: readonly string[];
  /** Only the first N training / test samples. */
  readonly trainLimit?: number;
  readonly testLimit?: number;
  /** `x = raw · inputScale + inputOffset` (one number, or one per channel); default: byte data × 1/255, float data as given. */
  readonly inputScale?: ScaleFlag;
  readonly inputOffset?: ScaleFlag;
}

/** Training and test samples ready for the model. */
export interface CompressData {
  readonly train?: LabelledData;
  /** Where the file's error is measured (undefined: no test data; the held-out validation rows are used). */
  readonly test?: DataSource;
  /** The test samples, read and checked with the run's preprocessing (for the baseline's error). */
  readonly testSamples?: LabelledData;
  readonly preprocessing?: RecordedPreprocessing;
}

/**
 * Reads and checks the data for a model of `inputShape` whose output is `outputShape` (labels:
 * {@link readLabelledData}); `rawInput`: the
 * model rescales its input itself (a `Rescaling` first) or reads token ids (an `Embedding`), so
 * without flags the data is given as it is.
 */
export async function readCompressData(o: CompressDataOptions, inputShape: readonly number[], outputShape: readonly number[], needTraining: boolean, rawInput?: RawInput): Promise<CompressData> {
  const flags: Preprocessing | undefined = pixelScaleOf(o, { scale: 1, offset: 0 });
  checkPixelScale({ name: 'input', shape: [-1, ...inputShape], dtype: 'float32' }, flags);
  if (!o.data) {
    if (needTraining) {
      throw new DcError('INVALID_OPTION', 'dc compress needs --data to retrain', { option: 'data', hint: 'Pass --data <IDX folder | photographs | inputs.npy | table.csv> (with --labels or a column), or --no-retrain for post-training compression.' });
    }
    return flags ? { preprocessing: { preprocessing: flags, source: 'flags' } } : {};
  }
  if ((o.targets || o.testTargets || o.targetColumns) && (o.labels || o.testLabels || o.labelColumn !== undefined)) {
    throw new DcError('INVALID_OPTION', 'give class labels (--labels, --test-labels) or targets (--targets, --test-targets), not both', { option: 'targets', hint: 'Labels train a classifier; targets shaped like the output train any other model by its loss.' });
  }
  const csv = isCsv(o.data);
  const array = csv || extname(o.data) === '.npy';
  // Photographs without class folders are inputs alone, as an array is: their labels come from --labels (by file name order).
  const unlabelled = !array && (await isPhotographs(o.data));
  if (unlabelled && !o.labels && !o.targets) {
    throw new DcError('INVALID_OPTION', `${o.data}: photographs without class folders need --labels <labels.npy> (one per photograph, in file name order) or --targets`, {
      option: 'labels',
      hint: 'Sort the photographs into a folder per class (<class>/<image>, as Keras\' image_dataset_from_directory reads them), or pass their labels with --labels.',
    });
  }
  if (array && !o.labels && !o.targets && o.labelColumn === undefined && o.targetColumns === undefined) {
    throw new DcError('INVALID_OPTION', csv ? `${o.data}: a CSV table needs --label-column <name> or --target-columns <names> (or --labels / --targets files)` : `${o.data}: .npy inputs need --labels <labels.npy> or --targets <targets.npy>`, {
      option: 'labels',
      hint: csv ? 'Name the column of integer class labels (a classifier) or the columns of float targets (any other model); the other columns are the inputs.' : 'Save the integer class labels (a classifier) or the float targets shaped like the output (any other model) with np.save and pass them with --labels or --targets.',
    });
  }
  const columns = columnChoice(o);
  const trainSource: DataSource = { data: o.data, split: 'train', ...columns, ...(o.labels ? { labels: o.labels } : {}), ...(o.targets ? { targets: o.targets } : {}), ...(o.trainLimit ? { limit: o.trainLimit } : {}) };
  // The flags, else what a model that rescales its own input takes, else the data's default (read below).
  const chosen: RecordedPreprocessing | undefined = flags ? { preprocessing: flags, source: 'flags' } : rawInput ? { preprocessing: UNSCALED, source: rawInput } : undefined;
  const train = await readLabelledData(trainSource, inputShape, outputShape, chosen?.preprocessing ?? 'auto');
  const preprocessing: RecordedPreprocessing | undefined = chosen ?? (train.preprocessing ? { preprocessing: train.preprocessing, source: 'bytes' } : undefined);
  // A .npy or CSV table, or photographs not split into train/ and test/ (or without labels), hold no test split: without --test-data the held-out validation rows stand in.
  const oneSplit = array || unlabelled || ((await isImageClassFolder(o.data)) && !(await hasSplitFolders(o.data)));
  const testPath = o.testData ?? (oneSplit ? undefined : o.data);
  const test: DataSource | undefined = testPath
    ? { data: testPath, split: 'test', ...(isCsv(testPath) ? columns : {}), ...(o.testLabels ? { labels: o.testLabels } : {}), ...(o.testTargets ? { targets: o.testTargets } : {}), ...(o.testLimit ? { limit: o.testLimit } : {}) }
    : undefined;
  // The test data is checked now too (shape, labels), not after the long part.
  const testSamples = test ? await readLabelledData(test, inputShape, outputShape, preprocessing?.preprocessing) : undefined;
  // Test inputs that came alone (a .npy, photographs without class folders) measure nothing.
  if (testSamples && !testSamples.labels && !testSamples.targets) {
    throw new DcError('INVALID_OPTION', `${testPath}: test inputs need --test-labels <labels.npy> or --test-targets <targets.npy>`, {
      option: 'test-labels',
      hint: 'Pass the test labels (a classifier) or targets (any other model) as a file of their own, or give test data that holds them: an IDX folder, class folders of photographs, a CSV table with its label or target columns.',
    });
  }
  return {
    train,
    ...(test && testSamples ? { test, testSamples } : {}),
    preprocessing: preprocessing ?? { preprocessing: { scale: [1], offset: [0] }, source: 'float' },
  };
}
