/**
 * The inputs of chosen layers of a tfjs LayersModel on calibration batches, one model run per
 * batch to every tapped input at once: what bias correction averages and error feedback takes the
 * moments of.
 */
import type * as tf from '@tensorflow/tfjs';
import { predictAll } from './layers-record-runner.js';

/**
 * Calls `visit(name, x)` with the input `x` of each layer of `names` for every batch of `batches`
 * (per batch, one tensor per model input), run through `lm`. A layer called more than once has no
 * single input: it is left out. `x` is disposed after the batch's visits.
 */
export async function forEachLayerInput(tfjs: typeof tf, lm: tf.LayersModel, names: readonly string[], batches: readonly (readonly tf.Tensor[])[], visit: (name: string, x: tf.Tensor) => Promise<void>): Promise<void> {
  const taps = [...new Set(names)].flatMap((name) => {
    try {
      return [{ name, tensor: lm.getLayer(name).input as tf.SymbolicTensor }];
    } catch {
      return [];
    }
  });
  if (taps.length === 0) return;
  // Layers reading the same tensor (a residual block's input) share one output: tfjs refuses an output listed twice.
  const tensors = [...new Set(taps.map((t) => t.tensor))];
  const inputs = tfjs.model({ inputs: lm.inputs, outputs: tensors });
  for (const batch of batches) {
    const list = predictAll(inputs, batch);
    try {
      for (const [i, x] of list.entries()) {
        for (const tap of taps.filter((t) => t.tensor === tensors[i])) await visit(tap.name, x);
      }
    } finally {
      tfjs.dispose(list);
    }
  }
}
