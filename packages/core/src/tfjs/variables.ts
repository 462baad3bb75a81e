import type * as tf from '@tensorflow/tfjs';
import { paramKey } from '../ir/params.js';

/**
 * The trainable variables of a tfjs model keyed as the IR keys parameters (`<layer>/kernel`,
 * `<layer>/bias`). Dense and Conv2D layers hold `[kernel, bias?]` in that order.
 */
export function variablesByKey(lm: tf.LayersModel): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const layer of lm.layers) {
    layer.trainableWeights.forEach((w, i) => {
      out[paramKey(layer.name, i === 0 ? 'kernel' : 'bias')] = w.read() as tf.Variable;
    });
  }
  return out;
}
