/**
 * The shape a LayersModel whose input leaves dimensions unknown (`[null]`: sequences of any length;
 * `[null, null, 3]`: a fully convolutional image model) is compressed at: `--input-shape`, else the
 * shape of the rows of the array the run reads its samples from (a `.npy` array, or a CSV table
 * without its label or target columns). A compressed model runs at that one shape. A GraphModel
 * keeps its free dimensions; `--input-shape` sizes the inputs it is calibrated and measured on.
 */
import { DcError } from '@dc/core';
import { checkPinnedShape, formatDeclaredShape, type DeclaredShape, type LoadModelOptions } from '@dc/core/tfjs';
import { readInputArray } from '../data/arrays.js';
import { readNpyShape } from '../data/npy.js';
import { columnChoice, isCsv, type ColumnChoice } from '../data/csv.js';
import type { ImageInputSpec } from '../no-retrain/image-inputs.js';

/** `--input-shape`, and the column flags of a CSV table. */
export interface InputShapeFlags extends ColumnChoice {
  /** The input shape without the batch axis (`--input-shape 100` or `64,64,3`). */
  readonly inputShape?: readonly number[];
}

/**
 * `loadModel`'s `inputShape` for a run whose samples are read from `samples` (named by `flag` in
 * errors): `--input-shape` as given (a fixed-shape model must have it), else, called only for a model
 * with unknown dimensions, the shape of the rows of `samples`; `INVALID_OPTION` when that is not an
 * array file.
 */
export function inputShapeOption(o: InputShapeFlags, samples: string | undefined, flag: string): NonNullable<LoadModelOptions['inputShape']> {
  if (o.inputShape) return o.inputShape;
  return async (declared: DeclaredShape) => {
    if (samples === undefined || !(isCsv(samples) || /\.npy$/i.test(samples))) {
      throw new DcError('INVALID_OPTION', `the model's input ${formatDeclaredShape(declared)} leaves dimensions unknown (null), and a compressed model runs at one fixed shape: ${samples === undefined ? `without ${flag}` : `${flag} ${samples} is not a .npy or CSV array`}, nothing says which`, {
        option: 'input-shape',
        hint: `Pass --input-shape ${declared.map((d) => d ?? 'n').join(',')} with the n your inputs have (or a .npy / CSV ${flag}, whose rows give it).`,
      });
    }
    // A .npy array's shape is in its header; a CSV table's columns need it parsed.
    return isCsv(samples) ? (await readInputArray(samples, columnChoice(o))).features.shape.slice(1) : (await readNpyShape(samples)).slice(1);
  };
}

/**
 * A GraphModel input (`spec`, -1 for free dimensions) with its free dimensions taken from
 * `--input-shape` (without the batch axis): the height and width photographs are resized to (256 ×
 * 256 without it) and the shape `.npy` rows must have. `INVALID_OPTION` for another rank or a
 * changed fixed dimension; the spec as it is without the flag.
 */
export function withFreeDimensions(spec: ImageInputSpec, inputShape: readonly number[] | undefined): ImageInputSpec {
  if (!inputShape) return spec;
  // The check a LayersModel's declared shape gets, its free dimensions as null.
  const declared = spec.shape.slice(1).map((d) => (d > 0 ? d : null));
  return { ...spec, shape: [spec.shape[0], ...checkPinnedShape(declared, inputShape, `--input-shape for input "${spec.name}"`)] };
}

/** Without data (`dc compress` of a GraphModel without --calibration), `--input-shape` sizes nothing: refused. */
export function refuseGraphInputShape(inputShape: readonly number[] | undefined): void {
  if (inputShape === undefined) return;
  throw new DcError('INVALID_OPTION', '--input-shape sizes the calibration and test inputs of a GraphModel; without --calibration there are none', {
    option: 'input-shape',
    hint: 'Drop --input-shape, or add --no-retrain --calibration <photographs | inputs.npy>.',
  });
}
