import { trainKernels } from './train-kernels.js';
import { f32, type KernelArgs, type TensorInfo } from './wasm-backend.js';

/** The kernel name of {@link adamStep} (ours: tfjs has no fused optimizer kernels). */
export const ADAM_STEP = 'DcAdamStep';

/** Attributes of {@link adamStep}: the learning rate, the betas, epsilon and the bias corrections `1 − βᵗ`. */
export interface AdamStepAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  correction1: number;
  correction2: number;
}

/**
 * One Adam update of one variable in a single pass over the wasm heap: inputs `value`, `m`, `v`,
 * `gradient`; outputs the new value, first and second moments (new tensors: the caller assigns
 * them to its variables). The arithmetic of `tf.train.adam`:
 * `m' = β₁m + (1 − β₁)g`, `v' = β₂v + (1 − β₂)g²`, `value' = value − lr · (m'/c₁) / (√(v'/c₂) + ε)`.
 * tfjs's own Adam runs about 14 separate ops per variable, each a pass over memory. In WASM SIMD
 * (train-kernels.wat) where the backend's memory is reachable, else in JS.
 */
export function adamStep({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const a = attrs as unknown as AdamStepAttrs;
  const shape = [...inputs.value.shape];
  const outs = [backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32')];
  const [w, m, v, g] = [inputs.value, inputs.m, inputs.v, inputs.gradient].map((t) => f32(backend, t));
  const [w2, m2, v2] = outs.map((t) => f32(backend, t));
  const { beta1: b1, beta2: b2, epsilon: eps } = a;
  const kernels = trainKernels(backend);
  if (kernels) {
    kernels.adam(w.byteOffset, m.byteOffset, v.byteOffset, g.byteOffset, w2.byteOffset, m2.byteOffset, v2.byteOffset, w.length, a.learningRate / a.correction1, 1 / a.correction2, b1, b2, eps);
    return outs;
  }
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const step = a.learningRate / a.correction1;
  const scale2 = 1 / a.correction2;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + c1 * gi;
    const vi = b2 * v[i] + c2 * gi * gi;
    m2[i] = mi;
    v2[i] = vi;
    w2[i] = w[i] - (step * mi) / (Math.sqrt(vi * scale2) + eps);
  }
  return outs;
}
