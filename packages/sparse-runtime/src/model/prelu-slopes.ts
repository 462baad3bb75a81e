/** A `prelu` node's slopes as a table built once per model: its `alpha` repeated along the shared axes to one slope per element. */
import { preluAlphaShape, type PreluConfig, type Shape } from '@dc/core';
import { gatherStrided } from './strided-gather.js';

/**
 * One slope per element of a sample of shape `shape` (row-major): `alpha`, shaped as core's
 * `preluAlphaShape(shape, config.sharedAxes)` (extent 1 on each shared axis), broadcast to `shape`
 * as tfjs broadcasts it. The cpu and webgpu kernels index it by element.
 */
export function preluSlopes(alpha: Float32Array, shape: Shape, config: PreluConfig): Float32Array {
  const alphaShape = preluAlphaShape(shape, config.sharedAxes);
  const rank = shape.length;
  // alpha's row-major strides, 0 along the axes it is broadcast on.
  const strides = new Array<number>(rank);
  for (let k = rank - 1, s = 1; k >= 0; s *= alphaShape[k], k--) strides[k] = alphaShape[k] === 1 ? 0 : s;
  const slopes = new Float32Array(shape.reduce((a, b) => a * b, 1));
  gatherStrided(alpha, 0, strides, shape, slopes, 0);
  return slopes;
}
