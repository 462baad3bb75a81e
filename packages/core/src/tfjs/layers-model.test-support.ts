/** What the converter tests compare of two tfjs models: weights bit for bit, and predictions. */
import type * as tf from '@tensorflow/tfjs';

/** Every weight of `lm` as its float32 bits: -0, NaN payloads and denormals compare too. */
export function weightsOf(lm: tf.LayersModel): Uint32Array[] {
  return lm.getWeights().map((w) => new Uint32Array((w.dataSync() as Float32Array).slice().buffer));
}

/** `lm`'s predictions on `x`, flat. */
export function predictions(lm: tf.LayersModel, x: tf.Tensor): Float32Array {
  return (lm.predict(x) as tf.Tensor).dataSync() as Float32Array;
}
