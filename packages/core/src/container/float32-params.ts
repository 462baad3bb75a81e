/**
 * Parameters a file stores as float32 whatever its float format: a fixed normalisation's
 * statistics (Keras' `Normalization` of the input features). float16 keeps 11 significant bits, so
 * it would move the mean of a feature such as a year (mean 2005, standard deviation 5) by up to
 * half a unit: a tenth of its standard deviation, on every sample.
 */
import type { ParamRef } from '../ir/params.js';

/** Whether `ref` is stored as float32 even in a file whose floats are float16. */
export function keepsFloat32(ref: Pick<ParamRef, 'layer'>): boolean {
  const c = ref.layer.config;
  return c.kind === 'batchNorm' && c.fixed === true;
}
