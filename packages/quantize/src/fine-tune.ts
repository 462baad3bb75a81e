/**
 * Centroid fine-tuning through the trainer's hooks (paper §3.1, eq. 3):
 *
 * - `transformGradients` turns each clustered tensor's gradient into per-centroid sums and hands
 *   the optimizer a zero gradient for that tensor, so the optimizer never moves shared weights
 *   (other parameters, e.g. biases, train normally; unclustered pruned kernels get masked gradients);
 * - `constrainWeights` moves the centroids by SGD with momentum (`v = m·v + g; c -= lr·v`) and
 *   re-sets every clustered weight to its centroid (`w = [c, 0][index]`, zeros stay zero), so each
 *   tensor holds at most `2 ** bits` distinct nonzero values after every step.
 *
 * Centroids live as float32 tensors on the trainer's backend; codes never change during
 * fine-tuning. Tensors are created lazily (hooks receive tfjs; this package does not import it),
 * kept out of the trainer's tidy scopes, and freed by `dispose()`.
 */
import type { Codebook } from '@dc/core';
import type { TfTensor, TfVariable, Tfjs, TrainingHooks } from '@dc/core/training';
import { codebookTensors, centroidGradientsTf, segmentSumMethod, type CodebookTensors, type SegmentSumMethod } from './centroid-gradient.js';

/** A clustered tensor to fine-tune. */
export interface TunedTensor {
  readonly key: string;
  readonly shape: readonly number[];
  readonly codebook: Codebook;
}

/** An unclustered kernel whose pruned weights must stay zero. */
export interface MaskedTensor {
  readonly key: string;
  readonly mask: Uint8Array;
}

/** Options of {@link createCentroidTuner}. */
export interface CentroidTunerOptions {
  readonly learningRate: number;
  readonly momentum: number;
  /** Default: the fastest the backend supports (see `segmentSumMethod`). */
  readonly method?: SegmentSumMethod;
}

/** Hooks for `trainer.fineTune`, and the centroids they trained. */
export interface CentroidTuner {
  readonly hooks: Required<TrainingHooks>;
  /** The current centroids of `key` (unsorted after training; see `canonicalCodebook`). */
  centroids(key: string): Float32Array;
  /** The per-cluster sum method in use (known after the first step). */
  readonly method: SegmentSumMethod | undefined;
  /** Frees the tensors the hooks created. */
  dispose(): void;
}

interface State {
  readonly spec: TunedTensor;
  readonly k: number;
  readonly size: number;
  centroids: Float32Array;
  tensors?: CodebookTensors & { index: TfTensor; c: TfTensor; v: TfTensor; g?: TfTensor };
}

/** Creates the fine-tuning hooks for `tuned` tensors (and mask upkeep for `masked` ones). */
export function createCentroidTuner(tuned: readonly TunedTensor[], masked: readonly MaskedTensor[], options: CentroidTunerOptions): CentroidTuner {
  const states = new Map<string, State>();
  for (const spec of tuned) {
    if (spec.codebook.positions.length === 0) continue;
    const size = spec.shape.reduce((a, b) => a * b, 1);
    states.set(spec.key, { spec, k: spec.codebook.centroids.length, size, centroids: Float32Array.from(spec.codebook.centroids) });
  }
  const masks = new Map<string, { mask: Uint8Array; t?: TfTensor }>(masked.map((m) => [m.key, { mask: m.mask }]));
  let method = options.method;

  const init = (tf: Tfjs, s: State): NonNullable<State['tensors']> => {
    if (s.tensors) return s.tensors;
    const { positions, codes } = s.spec.codebook;
    const index = new Int32Array(s.size).fill(s.k);
    for (let i = 0; i < positions.length; i++) index[positions[i]] = codes[i];
    const made = {
      ...codebookTensors(tf, s.spec.codebook),
      index: tf.tensor1d(index, 'int32'),
      c: tf.tensor1d(s.centroids),
      v: tf.zeros([s.k]),
    };
    for (const t of Object.values(made)) tf.keep(t);
    return (s.tensors = made);
  };
  const maskTensor = (tf: Tfjs, key: string, shape: readonly number[]): TfTensor => {
    const m = masks.get(key)!;
    m.t ??= tf.keep(tf.tensor(Float32Array.from(m.mask), [...shape]));
    return m.t;
  };
  const replace = (tf: Tfjs, s: State, field: 'c' | 'v' | 'g', value: TfTensor | undefined): void => {
    const t = s.tensors!;
    t[field]?.dispose();
    if (value) tf.keep(value);
    t[field] = value as TfTensor;
  };

  const hooks: Required<TrainingHooks> = {
    transformGradients(grads, tf) {
      method ??= segmentSumMethod(tf);
      const out: Record<string, TfTensor> = { ...grads };
      for (const [key, g] of Object.entries(grads)) {
        const s = states.get(key);
        if (s) {
          const t = init(tf, s);
          replace(tf, s, 'g', centroidGradientsTf(tf, g, s.spec.codebook, t, s.k, method));
          out[key] = tf.zerosLike(g);
        } else if (masks.has(key)) {
          out[key] = tf.mul(g, maskTensor(tf, key, g.shape));
        }
      }
      return out;
    },
    constrainWeights(weights: Record<string, TfVariable>, tf) {
      for (const [key, w] of Object.entries(weights)) {
        const s = states.get(key);
        if (s?.tensors?.g) {
          const t = s.tensors;
          const v = tf.tidy(() => tf.add(tf.mul(t.v, options.momentum), t.g!));
          replace(tf, s, 'v', v);
          replace(tf, s, 'c', tf.tidy(() => tf.sub(t.c, tf.mul(v, options.learningRate))));
          replace(tf, s, 'g', undefined);
          tf.tidy(() => {
            const table = tf.concat([t.c, tf.zeros([1])]);
            w.assign(tf.reshape(tf.gather(table, t.index), w.shape));
          });
        } else if (masks.has(key)) {
          tf.tidy(() => w.assign(tf.mul(w, maskTensor(tf, key, w.shape))));
        }
      }
    },
  };

  return {
    hooks,
    get method() {
      return method;
    },
    centroids(key) {
      const s = states.get(key);
      if (!s) return new Float32Array(0);
      return s.tensors ? Float32Array.from(s.tensors.c.dataSync()) : Float32Array.from(s.centroids);
    },
    dispose() {
      for (const s of states.values()) {
        if (s.tensors) {
          s.centroids = Float32Array.from(s.tensors.c.dataSync());
          for (const t of Object.values(s.tensors)) (t as TfTensor | undefined)?.dispose();
          s.tensors = undefined;
        }
      }
      for (const m of masks.values()) {
        m.t?.dispose();
        m.t = undefined;
      }
    },
  };
}

/**
 * The codebook after fine-tuning: centroids sorted, exact duplicates merged and unused ones dropped,
 * codes remapped. Every weight keeps its value (it is `centroids[code]` before and after).
 */
export function canonicalCodebook(bits: number, centroids: Float32Array, positions: Uint32Array, codes: Uint8Array | Uint16Array): Codebook {
  const used = new Uint8Array(centroids.length);
  for (let i = 0; i < codes.length; i++) used[codes[i]] = 1;
  const values = [...new Set(Array.from(centroids).filter((_, j) => used[j] === 1))].sort((a, b) => a - b);
  const sorted = Float32Array.from(values);
  const remap = new Uint8Array(centroids.length);
  centroids.forEach((c, j) => {
    if (used[j]) remap[j] = values.indexOf(c);
  });
  const next = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) next[i] = remap[codes[i]];
  return { bits, centroids: sorted, positions, codes: next };
}
