/**
 * dc's tfjs attention layers drop their attention weights when called in training (as `model.fit`
 * calls them), as Keras does: inverted dropout, so each draw differs and their mean is the output
 * without dropout; called for inference (`predict`, `training: false`) they drop nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionLayer } from './attention-layer.js';
import { multiHeadAttentionLayer } from './multi-head-attention.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const DRAWS = 400;

/** The output without dropout, inference calls of it, and the per-element mean and standard error of `DRAWS` training calls. */
function draws(layer: tf.layers.Layer, inputs: tf.Tensor[]) {
  const plain = (layer.apply(inputs) as tf.Tensor).dataSync();
  const inference = (layer.apply(inputs, { training: false }) as tf.Tensor).dataSync();
  const sum = new Float64Array(plain.length);
  const squares = new Float64Array(plain.length);
  let differing = 0;
  for (let d = 0; d < DRAWS; d++) {
    const y = tf.tidy(() => (layer.apply(inputs, { training: true }) as tf.Tensor).dataSync());
    if (y.some((v, i) => v !== plain[i])) differing++;
    y.forEach((v, i) => {
      sum[i] += v;
      squares[i] += v * v;
    });
  }
  const mean = sum.map((s) => s / DRAWS);
  const standardError = squares.map((s, i) => Math.sqrt(Math.max(s / DRAWS - mean[i] ** 2, 0) / DRAWS));
  return { plain, inference, mean, standardError, differing };
}

function expectDroppedOnlyInTraining(layer: tf.layers.Layer, inputs: tf.Tensor[]): void {
  const r = draws(layer, inputs);
  expect(Array.from(r.inference)).toEqual(Array.from(r.plain));
  expect(r.differing).toBe(DRAWS);
  // Inverted dropout leaves the expectation unchanged: the mean is within 5 standard errors of it.
  r.plain.forEach((v, i) => expect(Math.abs(r.mean[i] - v)).toBeLessThanOrEqual(5 * r.standardError[i] + 1e-6));
  tf.dispose(inputs);
}

describe('attention dropout while training', () => {
  it("MultiHeadAttention drops its heads' weights in training only", () => {
    const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 1);
    const layer = multiHeadAttentionLayer(tf, { numHeads: 2, keyDim: 3, dropout: 0.4 });
    expectDroppedOnlyInTraining(layer, [x, x]);
  });

  it('Attention drops its weights in training only', () => {
    const q = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 2);
    const v = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 3);
    expectDroppedOnlyInTraining(attentionLayer(tf, { dropout: 0.3 }), [q, v]);
  });

  it('without a rate, training calls equal inference calls', () => {
    const x = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 4);
    const layer = multiHeadAttentionLayer(tf, { numHeads: 2, keyDim: 3 });
    const a = (layer.apply([x, x]) as tf.Tensor).dataSync();
    const b = (layer.apply([x, x], { training: true }) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    x.dispose();
  });
});
