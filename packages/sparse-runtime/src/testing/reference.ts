/**
 * The reference every backend is checked against: the dense reconstruction of a compressed model
 * (`toDenseModel`), run layer by layer with TensorFlow.js ops on the tfjs `cpu` backend.
 */
import { toDenseModel, type CompressedModel } from '@dc/core';
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof tfTypes;

/** Runs the dense reconstruction of `cm` on tfjs cpu (switching back to the previous backend after). */
export async function referencePredict(tf: Tf, cm: CompressedModel, input: Float32Array, batch: number): Promise<Float32Array> {
  await tf.ready();
  const prev = tf.getBackend();
  if (prev !== 'cpu') await tf.setBackend('cpu');
  try {
    const model = toDenseModel(cm);
    const out = tf.tidy(() => {
      let x: tfTypes.Tensor = tf.tensor(input, [batch, ...model.inputShape]);
      for (const layer of model.layers) {
        const c = layer.config;
        const k = layer.params.kernel;
        const b = layer.params.bias;
        const act = (t: tfTypes.Tensor, a: string): tfTypes.Tensor =>
          a === 'relu' ? tf.relu(t) : a === 'softmax' ? tf.softmax(t) : a === 'sigmoid' ? tf.sigmoid(t) : a === 'tanh' ? tf.tanh(t) : t;
        switch (c.kind) {
          case 'dense':
            x = tf.matMul(x as tfTypes.Tensor2D, tf.tensor2d(k!.values, k!.shape as [number, number]));
            if (b) x = tf.add(x, tf.tensor1d(b.values));
            x = act(x, c.activation);
            break;
          case 'conv2d':
            x = tf.conv2d(x as tfTypes.Tensor4D, tf.tensor4d(k!.values, k!.shape as [number, number, number, number]), [...c.strides] as [number, number], c.padding);
            if (b) x = tf.add(x, tf.tensor1d(b.values));
            x = act(x, c.activation);
            break;
          case 'maxPool2d':
            x = tf.maxPool(x as tfTypes.Tensor4D, [...c.poolSize] as [number, number], [...c.strides] as [number, number], c.padding);
            break;
          case 'avgPool2d':
            x = tf.avgPool(x as tfTypes.Tensor4D, [...c.poolSize] as [number, number], [...c.strides] as [number, number], c.padding);
            break;
          case 'activation':
            x = act(x, c.activation);
            break;
          case 'flatten':
            x = tf.reshape(x, [batch, -1]);
            break;
          case 'reshape':
            x = tf.reshape(x, [batch, ...c.targetShape]);
            break;
          case 'dropout':
            break;
        }
      }
      return x;
    });
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return data;
  } finally {
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
