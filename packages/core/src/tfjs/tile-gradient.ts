import type * as tf from '@tensorflow/tfjs';

/** What {@link registerTileGradient} did. */
export interface RegisteredTileGradient {
  /** Whether this call registered the gradient (false: dc's was already registered). */
  readonly replaced: boolean;
  /** Puts back the gradient that was registered before this call. Calling it again does nothing. */
  restore(): void;
}

/** Every gradient config this module made, so a second registration recognises its own. */
const ours = new WeakSet<object>();

/**
 * The gradient of `tile(x, reps)` with respect to `x`: the output's repetitions summed back onto
 * `x`'s shape, one tiled axis at a time, each as a reshape to `[before, reps, after]` and a sum over
 * its middle axis (so a few kernels per tiled axis, and any rank).
 */
export function sumRepetitions(tfjs: typeof tf, dy: tf.Tensor, shape: readonly number[], reps: readonly number[]): tf.Tensor {
  return tfjs.tidy(() => {
    let grad = dy;
    const current = [...dy.shape];
    for (let axis = 0; axis < shape.length; axis++) {
      if (reps[axis] === 1) continue;
      const before = current.slice(0, axis).reduce((p, d) => p * d, 1);
      const after = shape[axis] * current.slice(axis + 1).reduce((p, d) => p * d, 1);
      grad = tfjs.sum(tfjs.reshape(grad, [before, reps[axis], after]), 1);
      current[axis] = shape[axis];
    }
    return tfjs.reshape(grad, [...shape]);
  });
}

/**
 * tfjs's gradient of `Tile` adds one slice of the output gradient per repetition: tiling
 * `[1, 1, 1, 32]` to `[32, 7, 7, 32]` costs 1,568 slices and adds, and tfjs's own
 * `LayerNormalization` tiles its scale and offset so in every training step; it also throws for
 * tiles of rank above 4. This config computes the same sum with {@link sumRepetitions}.
 */
export function tileGradient(tfjs: typeof tf): tf.GradConfig {
  return {
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const reps = (attrs as { reps: number[] }).reps;
      return { x: () => sumRepetitions(tfjs, dy as tf.Tensor, x.shape, reps) };
    },
  };
}

/**
 * Registers {@link tileGradient} in tfjs's gradient registry, for every backend. The registry is
 * process-wide: every gradient of `Tile` in the process uses it until `restore()`. The result agrees
 * with tfjs's own to float32 rounding (the repetitions are added in another order). Calling it again
 * while dc's is registered changes nothing.
 */
export function registerTileGradient(tfjs: typeof tf): RegisteredTileGradient {
  const previous = tfjs.getGradient('Tile');
  if (previous !== undefined && ours.has(previous)) return { replaced: false, restore: () => {} };
  const config = tileGradient(tfjs);
  ours.add(config);
  tfjs.registerGradient(config);
  let done = false;
  return {
    replaced: true,
    restore: () => {
      if (done) return;
      done = true;
      // tfjs has no unregisterGradient; the previous config is put back (tfjs always has one for Tile).
      if (previous !== undefined) tfjs.registerGradient(previous);
    },
  };
}
