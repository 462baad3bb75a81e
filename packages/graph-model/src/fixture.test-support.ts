/** Helpers for tests on the fixture GraphModel (tests only). */
import * as tf from '@tensorflow/tfjs';
import { isDcError } from '@dc/core';
import type { TensorAllocation } from './allocation.js';
import { compressGraphModel } from './compress.js';
import type { GraphModelSource } from './source.js';

/** The fixture model's prediction on a fixed input batch [2, 8, 8, 3], loaded through `handler`. */
export async function predictFixture(handler: tf.io.IOHandler): Promise<Float32Array> {
  const model = await tf.loadGraphModel(handler);
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.sin(i * 0.37) * 2), [2, 8, 8, 3]);
  const y = model.execute(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

/** The DcError code of compressing `source` with `allocation` for one weight ('no error' when it compresses). */
export function allocationErrorCode(source: GraphModelSource, name: string, allocation: object): string {
  try {
    compressGraphModel(source, { [name]: allocation as TensorAllocation });
    return 'no error';
  } catch (e) {
    return isDcError(e) ? e.code : String(e);
  }
}
