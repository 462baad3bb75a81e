/**
 * The shape a LayersModel whose input leaves dimensions unknown (`[null]`: sequences of any length;
 * `[null, null, 3]`: a fully convolutional image model) is compressed at: `--input-shape`, else the
 * shape of the rows of the array the run reads its samples from (a `.npy` array, or a CSV table
 * without its label or target columns). A compressed model runs at that one shape.
 */
import { DcError } from '@dc/core';
import { formatDeclaredShape, type DeclaredShape, type LoadModelOptions } from '@dc/core/tfjs';
import { readInputArray } from '../data/arrays.js';
import { columnChoice, isCsv, type ColumnChoice } from '../data/csv.js';

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
    const { features } = await readInputArray(samples, columnChoice(o));
    return features.shape.slice(1);
  };
}

/** `--input-shape` fixes a LayersModel's unknown input dimensions: refused for a GraphModel, which runs at the shape of the inputs it is given. */
export function refuseGraphInputShape(inputShape: unknown): void {
  if (inputShape === undefined || typeof inputShape === 'function') return;
  throw new DcError('INVALID_OPTION', '--input-shape fixes the unknown input dimensions of a LayersModel; a GraphModel runs at the shape of the inputs it is given', {
    option: 'input-shape',
    hint: 'Drop --input-shape: the GraphModel is compressed and measured on the inputs as they are.',
  });
}
