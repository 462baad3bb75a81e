/**
 * Keras' resize as a differentiable tfjs op: TensorFlow's `tf.image.resize` without antialiasing
 * (half-pixel centres), computed by tfjs's resizes with `halfPixelCenters`, and differentiated by
 * the resize's exact adjoint, built from the same per-axis tables every runtime samples with
 * (`resizingAxis`): tfjs's own gradients of its resizes ignore `halfPixelCenters`, which would
 * retrain the layers before a resize with the gradient of a different resize.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ResizingConfig } from '../ir/model.js';
import { resizingAxis } from '../ops/resizing-axis.js';

/** The `[out, in]` matrix of one axis's resize (each row the weights {@link resizingAxis} reads with), for the gradient. */
function axisMatrix(tfjs: typeof tf, inSize: number, outSize: number, interpolation: ResizingConfig['interpolation']): tf.Tensor2D {
  const { lo, hi, frac } = resizingAxis(inSize, outSize, interpolation);
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    m[o * inSize + lo[o]] += 1 - frac[o];
    m[o * inSize + hi[o]] += frac[o];
  }
  return tfjs.tensor2d(m, [outSize, inSize]);
}

/** `m` (`[k, n]`) applied along axis 1 or 2 of `x` (`[b, h, w, c]`): that axis goes from n to k. */
function alongAxis(tfjs: typeof tf, m: tf.Tensor2D, x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const [order, back] = axis === 1 ? [[1, 0, 2, 3], [1, 0, 2, 3]] : [[2, 0, 1, 3], [1, 2, 0, 3]];
  const moved = tfjs.transpose(x, order);
  const [n, ...rest] = moved.shape;
  const out = tfjs.matMul(m, tfjs.reshape(moved, [n, -1]));
  return tfjs.transpose(tfjs.reshape(out, [m.shape[0], ...rest]), back) as tf.Tensor4D;
}

/**
 * `x` (`[b, h, w, c]`) resized to `size` as Keras' `Resizing` computes it (half-pixel centres, no
 * antialiasing), differentiable with the resize's exact adjoint.
 */
export function kerasResize(tfjs: typeof tf, x: tf.Tensor4D, size: readonly [number, number], interpolation: ResizingConfig['interpolation']): tf.Tensor4D {
  const resize = tfjs.customGrad((input) => {
    const image = input as tf.Tensor4D;
    const [, h, w] = image.shape;
    const target: [number, number] = [size[0], size[1]];
    const value = interpolation === 'nearest' ? tfjs.image.resizeNearestNeighbor(image, target, false, true) : tfjs.image.resizeBilinear(image, target, false, true);
    const gradFunc = (dy: tf.Tensor) => {
      const [rows, columns] = [axisMatrix(tfjs, h, size[0], interpolation), axisMatrix(tfjs, w, size[1], interpolation)];
      return alongAxis(tfjs, tfjs.transpose(columns), alongAxis(tfjs, tfjs.transpose(rows), dy as tf.Tensor4D, 1), 2);
    };
    return { value, gradFunc };
  });
  return resize(x) as tf.Tensor4D;
}
