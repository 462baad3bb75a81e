/**
 * Splicing (Guo, Yao, Chen, Dynamic Network Surgery, NIPS 2016) as training hooks: the network
 * computes with the masked weights `W ⊙ M`, but every weight, pruned or not, keeps a dense shadow
 * value `W` that receives the gradient updates; after each step the mask is recomputed from the
 * shadow with a hysteresis band, so a pruned weight whose shadow magnitude climbs above `high`
 * comes back and a kept one that falls below `low` is pruned again.
 */
import type { PruneMasks } from '@dc/core';
import type { TfTensor, Tfjs, TfVariable, TrainingHooks } from '@dc/core/training';
import { createMaskHooks } from './mask-hooks.js';

/** One spliced tensor: its dense shadow values, current mask and hysteresis thresholds. */
export interface SplicedTensor {
  /** Dense values: kept weights and the shadow values of pruned ones. */
  readonly shadow: Float32Array;
  /** 1 = kept (enters the forward pass). */
  readonly mask: Uint8Array;
  /** Positions that may never come back (pruned by an earlier stage); absent: all may. */
  readonly allowed?: Uint8Array;
  /** A kept weight with `|w| < low` is pruned. */
  readonly low: number;
  /** A pruned weight with `|w| > high` comes back. */
  readonly high: number;
}

/** Hooks for one fine-tuning run and a way to read the shadow state back. */
export interface SplicingHooks {
  readonly hooks: Required<TrainingHooks>;
  /** The shadow values and masks after training (read from the trainer's tensors), by key. */
  read(): Map<string, { shadow: Float32Array; mask: Uint8Array }>;
  /** Frees the tfjs tensors; call after `read`. */
  dispose(): void;
}

interface State {
  shadow: TfTensor;
  mask: TfTensor;
  allowed?: TfTensor;
  readonly low: number;
  readonly high: number;
}

/**
 * Creates splicing hooks for `spliced` (by parameter key); tensors in `fixed` keep ordinary
 * fixed masks (as {@link createMaskHooks}). The tfjs tensors are made on the first step with the
 * namespace the trainer passes in.
 */
export function createSplicingHooks(spliced: ReadonlyMap<string, SplicedTensor>, fixed: PruneMasks): SplicingHooks {
  const fixedOnly = new Map([...fixed].filter(([key]) => !spliced.has(key)));
  const maskHooks = createMaskHooks(fixedOnly);
  const states = new Map<string, State>();
  const stateOf = (tf: Tfjs, key: string, like: TfTensor): State | undefined => {
    const spec = spliced.get(key);
    if (!spec) return undefined;
    let s = states.get(key);
    if (!s) {
      if (spec.shadow.length !== like.size) throw new Error(`shadow of ${key} has ${spec.shadow.length} entries, the tensor ${like.size}`);
      s = {
        shadow: tf.keep(tf.tensor(spec.shadow, like.shape, 'float32')),
        mask: tf.keep(tf.tensor(spec.mask, like.shape, 'bool')),
        ...(spec.allowed ? { allowed: tf.keep(tf.tensor(spec.allowed, like.shape, 'bool')) } : {}),
        low: spec.low,
        high: spec.high,
      };
      states.set(key, s);
    }
    return s;
  };

  return {
    hooks: {
      transformGradients(grads, tf) {
        const fixedOut = maskHooks.hooks.transformGradients(grads, tf);
        return tf.tidy(() => {
          const out: Record<string, TfTensor> = { ...fixedOut };
          for (const [key, g] of Object.entries(grads)) {
            const s = stateOf(tf, key, g);
            // Pruned weights get their gradient too (on the shadow); only never-allowed ones do not.
            if (s) out[key] = s.allowed ? tf.where(s.allowed, g, tf.zerosLike(g)) : g;
          }
          return out;
        });
      },
      constrainWeights(weights, tf) {
        maskHooks.hooks.constrainWeights(weights, tf);
        for (const [key, v] of Object.entries(weights)) {
          const s = stateOf(tf, key, v);
          if (s) step(tf, s, v);
        }
      },
    },
    read() {
      const out = new Map<string, { shadow: Float32Array; mask: Uint8Array }>();
      for (const [key, spec] of spliced) {
        const s = states.get(key);
        out.set(key, s ? { shadow: new Float32Array(s.shadow.dataSync()), mask: Uint8Array.from(s.mask.dataSync()) } : { shadow: new Float32Array(spec.shadow), mask: new Uint8Array(spec.mask) });
      }
      return out;
    },
    dispose() {
      maskHooks.dispose();
      for (const s of states.values()) [s.shadow, s.mask, s.allowed].forEach((t) => t?.dispose());
      states.clear();
    },
  };
}

/**
 * One splicing update after an optimizer step. Before the step the variable held `S ⊙ M`; the
 * optimizer added `Δ` everywhere, so the new shadow is `S + Δ = where(M, v, S + v)`.
 */
function step(tf: Tfjs, s: State, v: TfVariable): void {
  const [shadow, mask] = tf.tidy(() => {
    const next = tf.where(s.mask, v, tf.add(s.shadow, v));
    const magnitude = tf.abs(next);
    let kept = tf.logicalOr(tf.greater(magnitude, s.high), tf.logicalAnd(s.mask, tf.greaterEqual(magnitude, s.low)));
    if (s.allowed) kept = tf.logicalAnd(kept, s.allowed);
    v.assign(tf.where(kept, next, tf.zerosLike(next)));
    return [tf.keep(next), tf.keep(kept)];
  });
  s.shadow.dispose();
  s.mask.dispose();
  s.shadow = shadow;
  s.mask = mask;
}
