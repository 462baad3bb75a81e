/**
 * tfjs's `Bidirectional` wrapper holds two recurrent layers, each with its own kernel, recurrent
 * kernel and bias (forward's weights first); the IR's `recurrent` node with `merge` holds each
 * parameter once, both passes stacked along the last axis (forward columns first), so the stages
 * prune and cluster it as one tensor. These two functions are the only place that stacks or splits.
 */
import type { Tensor } from '../ir/model.js';

/** Whether a tfjs layer is a `Bidirectional` wrapper (its weights come in two passes). */
export function isBidirectional(layer: { getClassName(): string }): boolean {
  return layer.getClassName() === 'Bidirectional';
}

/** The forward and backward pass's values of one parameter, stacked along the last axis. */
export function stackPasses(forward: Tensor, backward: Tensor): Tensor {
  const width = forward.shape[forward.shape.length - 1];
  const rows = forward.values.length / width;
  const values = new Float32Array(2 * forward.values.length);
  for (let r = 0; r < rows; r++) {
    values.set(forward.values.subarray(r * width, (r + 1) * width), 2 * r * width);
    values.set(backward.values.subarray(r * width, (r + 1) * width), (2 * r + 1) * width);
  }
  return { shape: [...forward.shape.slice(0, -1), 2 * width], values };
}

/** Pass `pass` (0 forward, 1 backward) of a stacked parameter: its half of the last axis. */
export function passOf(t: Tensor, pass: 0 | 1): Tensor {
  const width = t.shape[t.shape.length - 1] / 2;
  const rows = t.values.length / (2 * width);
  const values = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) values.set(t.values.subarray((2 * r + pass) * width, (2 * r + pass + 1) * width), r * width);
  return { shape: [...t.shape.slice(0, -1), width], values };
}
