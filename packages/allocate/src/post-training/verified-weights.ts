/**
 * The weights each verification substitutes, remembered from the one before: the search and the
 * refinement change a few tensors between verifications, so re-compressing every changed tensor
 * each time (k-means and all) repeated most of the work. A compression must answer the same for
 * the same arguments (the planner's predictions assume it anyway) and `run` must not change the
 * weights it is given (its map is read-only).
 */
import { isChanged } from './culprit.js';
import type { PlanTensor } from './options.js';
import type { TensorPlan } from './search.js';
import type { CompressTensor, TensorForm } from './tensor-candidates.js';

/** A plan entry's form: its per-channel scales or float16 rounding, when chosen. */
export function formOf(p: TensorPlan): TensorForm {
  return { ...(p.channels === undefined ? {} : { channels: p.channels }), ...(p.float16 ? { float16: true } : {}) };
}

/**
 * A function from a plan to the weights it changes (name → reconstruction), each compressed by its
 * tensor's `compress`, else `compress`; a tensor whose choice is the same as in the previous call
 * is not compressed again. Holds at most one reconstruction per tensor.
 */
export function verifiedWeights(tensors: readonly PlanTensor[], compress: CompressTensor): (plan: readonly TensorPlan[]) => Map<string, Float32Array> {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  let previous = new Map<string, { choice: string; values: Float32Array }>();
  return (plan) => {
    const next = new Map<string, { choice: string; values: Float32Array }>();
    for (const p of plan) {
      if (!isChanged(p)) continue;
      const choice = `${p.sparsity} ${p.bits} ${p.channels} ${p.float16 === true}`;
      const known = previous.get(p.name);
      if (known?.choice === choice) {
        next.set(p.name, known);
        continue;
      }
      const t = byName.get(p.name)!;
      next.set(p.name, { choice, values: (t.compress ?? compress)(t.values, p.sparsity, p.bits, formOf(p)).values });
    }
    previous = next;
    return new Map([...next].map(([name, { values }]) => [name, values]));
  };
}
