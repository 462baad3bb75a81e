/**
 * The reference every backend is checked against: the dense reconstruction of a compressed model
 * (`toDenseModel`) built by core's `toLayersModel` (the one IR → tfjs executor) and run on the
 * tfjs `cpu` backend, after the exact rewrites of `tfjs/tfjs-compatible.ts` for what tfjs 4.22
 * computes otherwise than specified (dilated depthwise, softmax along another axis).
 */
import { toDenseModel, type CompressedModel, type Model } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import type * as tfTypes from '@tensorflow/tfjs';
import { tfjsCompatible } from '../tfjs/tfjs-compatible.js';

type Tf = typeof tfTypes;

/**
 * Runs the dense reconstruction of `cm` on tfjs cpu (switching back to the previous backend after);
 * a dense IR `Model` (e.g. a pipeline's compressed model in memory) runs as it is.
 */
export async function referencePredict(tf: Tf, cm: CompressedModel | Model, input: Float32Array, batch: number): Promise<Float32Array> {
  await tf.ready();
  const prev = tf.getBackend();
  if (prev !== 'cpu') await tf.setBackend('cpu');
  const model = toLayersModel(tfjsCompatible('tensors' in cm ? toDenseModel(cm) : cm), tf);
  try {
    const out = tf.tidy(() => model.execute(tf.tensor(input, [batch, ...cm.inputShape]), model.outputs[0].name) as tfTypes.Tensor);
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return data;
  } finally {
    model.dispose();
    if (prev !== 'cpu') await tf.setBackend(prev);
  }
}

/**
 * The largest per-sample relative difference: for each sample, `max |a − b|` over its outputs
 * divided by `max |b|` (the sample's largest reference output; 1 when that is 0).
 */
export function maxRelativeError(actual: Float32Array, expected: Float32Array, batch: number): number {
  if (actual.length !== expected.length) return Infinity;
  const n = expected.length / batch;
  let worst = 0;
  for (let s = 0; s < batch; s++) {
    let diff = 0;
    let mag = 0;
    for (let j = s * n; j < (s + 1) * n; j++) {
      const d = Math.abs(actual[j] - expected[j]);
      diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
      mag = Math.max(mag, Math.abs(expected[j]));
    }
    worst = Math.max(worst, diff / (mag || 1));
  }
  return worst;
}
