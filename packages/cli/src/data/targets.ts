/**
 * Regression targets: what a model that is not a classifier should output for each sample (an
 * autoencoder's own inputs, a forecaster's next values, a regressor's numbers), read from a `.npy`
 * array or a CSV table shaped like the model's output and checked against it.
 */
import { DcError, firstNonFinite, sizeOfShape } from '@dc/core';
import { readArray } from './arrays.js';
import type { NumericArray } from './npy.js';

/** The first `count` of the `total` samples' targets in `path` (`.npy` or `.csv`), float32, for a model whose output is `outputShape`. */
export async function readTargets(path: string, total: number, count: number, outputShape: readonly number[]): Promise<Float32Array> {
  return checkTargets(await readArray(path), path, total, count, outputShape);
}

/** The first `count` of the `total` samples' targets in `targets` (read from `where`), checked against `outputShape`, as float32. */
export function checkTargets(targets: NumericArray, where: string, total: number, count: number, outputShape: readonly number[]): Float32Array {
  const perSample = sizeOfShape(outputShape);
  if (targets.shape[0] !== total || sizeOfShape(targets.shape.slice(1)) !== perSample) {
    throw new DcError('DATA_MISMATCH', `${where}: targets of shape [${targets.shape.join(', ')}] for ${total} samples of a model whose output is [${outputShape.join(', ')}]`, {
      hint: `Give float targets of shape [N, ${outputShape.join(', ')}] (an autoencoder's: its inputs).`,
    });
  }
  const used = targets.values.subarray(0, count * perSample);
  const at = firstNonFinite(used);
  if (at >= 0) throw new DcError('DATA_MISMATCH', `${where}: target ${at % perSample} of sample ${Math.floor(at / perSample)} is ${used[at]}`, { hint: 'Targets must be finite numbers.' });
  return Float32Array.from(used);
}
