/** What the converter tests compare of two tfjs models: weights bit for bit, and predictions. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Model } from '../ir/model.js';
import { toLayersModel } from './convert-to.js';

/** Every weight of `lm` as its float32 bits: -0, NaN payloads and denormals compare too. */
export function weightsOf(lm: tf.LayersModel): Uint32Array[] {
  return lm.getWeights().map((w) => new Uint32Array((w.dataSync() as Float32Array).slice().buffer));
}

/** `lm`'s predictions on `x`, flat. */
export function predictions(lm: tf.LayersModel, x: tf.Tensor): Float32Array {
  return (lm.predict(x) as tf.Tensor).dataSync() as Float32Array;
}

/** Builds the IR `model` back as a tfjs model and expects its predictions on `x` to equal `expected` to `digits` decimals. */
export function expectRebuiltPredicts(model: Model, x: tf.Tensor, expected: ArrayLike<number>, digits: number): void {
  const back = toLayersModel(model, tf);
  try {
    expect(Array.from(predictions(back, x))).toEqual(Array.from(expected, (v) => expect.closeTo(v, digits)));
  } finally {
    back.dispose();
  }
}
