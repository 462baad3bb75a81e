import type * as tf from '@tensorflow/tfjs';
import { paramKey } from '../ir/params.js';
import { paramOfWeight } from './weight-names.js';

/**
 * The trainable variables of a tfjs model keyed as the IR keys parameters (`<layer>/kernel`,
 * `<layer>/bias`, `<layer>/gamma`, ...). Batch-norm moving statistics are not trainable and not
 * listed (training updates them itself).
 */
export function variablesByKey(lm: tf.LayersModel): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const layer of lm.layers) {
    for (const w of layer.trainableWeights) {
      const param = paramOfWeight(w.originalName);
      if (param) out[paramKey(layer.name, param)] = w.read() as tf.Variable;
    }
  }
  return out;
}
