import type * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../mnist/dataset.js';
import type { RandomSource } from '../random.js';

/** A seeded Fisher–Yates permutation of `0..n-1`. */
export function shuffledIndices(n: number, random: RandomSource): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * Copies the examples at `indices` into a batch: `x` shaped `[b, ...inputShape]`, `y` one-hot.
 * Pixels are copied in JS (one memcpy-like loop per image), then uploaded once.
 */
export function makeBatch(
  tfjs: typeof tf,
  set: ImageSet,
  indices: ArrayLike<number>,
  inputShape: readonly number[],
  classes: number,
): { x: tf.Tensor; y: tf.Tensor } {
  const px = set.height * set.width;
  const b = indices.length;
  const pixels = new Float32Array(b * px);
  const onehot = new Float32Array(b * classes);
  for (let i = 0; i < b; i++) {
    const k = indices[i];
    pixels.set(set.images.subarray(k * px, (k + 1) * px), i * px);
    onehot[i * classes + set.labels[k]] = 1;
  }
  return { x: tfjs.tensor(pixels, [b, ...inputShape]), y: tfjs.tensor2d(onehot, [b, classes]) };
}

/** Mean categorical cross-entropy of softmax outputs `p` against one-hot `y`. */
export function crossEntropy(tfjs: typeof tf, p: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tfjs.tidy(() => tfjs.neg(tfjs.mean(tfjs.sum(tfjs.mul(y, tfjs.log(tfjs.clipByValue(p, 1e-7, 1))), -1))) as tf.Scalar);
}
