/**
 * Training hooks that keep pruned weights pruned while a trainer fine-tunes: gradients of pruned
 * weights are zeroed before the optimizer step, and pruned weights are set back to exactly `+0`
 * after it (an optimizer with momentum or weight decay could otherwise move them).
 */
import type { PruneMasks } from '@dc/core';
import type { TfTensor, Tfjs, TrainingHooks } from '@dc/core/training';

/** Hooks for a fine-tuning run, and a `dispose` for the mask tensors they create. */
export interface MaskHooks {
  readonly hooks: Required<TrainingHooks>;
  /** Frees the tfjs mask tensors; call after the fine-tuning run. */
  dispose(): void;
}

/**
 * Creates {@link TrainingHooks} that enforce `masks` (keyed by parameter key). Mask tensors are
 * made on first use with the tfjs namespace the trainer passes in, so this module never imports tfjs.
 */
export function createMaskHooks(masks: PruneMasks): MaskHooks {
  const cache = new Map<string, TfTensor>();
  const maskTensor = (tf: Tfjs, key: string, like: TfTensor): TfTensor | undefined => {
    const mask = masks.get(key);
    if (!mask) return undefined;
    let t = cache.get(key);
    if (!t) {
      if (mask.length !== like.size) throw new Error(`mask of ${key} has ${mask.length} entries, the tensor ${like.size}`);
      t = tf.keep(tf.tensor(mask, like.shape, 'bool'));
      cache.set(key, t);
    }
    return t;
  };
  const zeroPruned = (tf: Tfjs, key: string, x: TfTensor): TfTensor | undefined => {
    const m = maskTensor(tf, key, x);
    return m ? tf.where(m, x, tf.zerosLike(x)) : undefined;
  };

  return {
    hooks: {
      transformGradients(grads, tf) {
        return tf.tidy(() => {
          const out: Record<string, TfTensor> = {};
          for (const [key, g] of Object.entries(grads)) out[key] = zeroPruned(tf, key, g) ?? g;
          return out;
        });
      },
      constrainWeights(weights, tf) {
        tf.tidy(() => {
          for (const [key, v] of Object.entries(weights)) {
            const z = zeroPruned(tf, key, v);
            if (z) v.assign(z);
          }
        });
      },
    },
    dispose() {
      for (const t of cache.values()) t.dispose();
      cache.clear();
    },
  };
}
