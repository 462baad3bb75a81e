/**
 * A culprit search: when an allocation measures far over its predicted drift, one tensor usually
 * makes an output jump (a detector's box crossing a threshold, an argmax keypoint moving), which no
 * gain probed at other errors foresees. The tensors the allocation changes are applied one more at a
 * time, the largest saving first, and the first prefix over budget is found by bisection: its last
 * tensor tips the allocation over, and the prefix before it was measured within budget.
 */
import type { FidelityReport } from './compare-outputs.js';
import type { TensorPlan } from './search.js';

/** What a culprit search found. */
export interface Culprit {
  /**
   * Indices (in the plan) of the tensors whose changes together tip the allocation over budget:
   * the one that tips it and, when that one alone stays within budget, the earlier change it needs.
   */
  readonly indices: readonly number[];
  /** The largest prefix measured within budget (the plan with the culprit and every later change undone), if any was measured. */
  readonly passed?: { readonly plan: TensorPlan[]; readonly fidelity: FidelityReport };
  /** Verifications spent. */
  readonly verifications: number;
}

/** Whether a plan entry changes its tensor. */
export const isChanged = (p: TensorPlan): boolean => p.bits !== null || p.sparsity !== 0 || p.float16 === true;

/**
 * Bisects `plan` (measured over budget) against `exact` (every tensor as it is: within budget by
 * definition) for the culprit: `ceil(log2 n)` verifications for `n` changed tensors, one more for
 * the tipping change alone and, when that is within budget, as many again for its partner (the
 * first change before it that, with it, is over budget: a jump that needs two perturbations, as
 * an argmax between two close peaks does). Assumes fewer changes do not fail where more pass (true
 * of drift that adds up; a jump is the change that crosses it).
 */
export async function findCulprit(
  plan: readonly TensorPlan[],
  exact: readonly TensorPlan[],
  verify: (plan: readonly TensorPlan[]) => Promise<FidelityReport>,
): Promise<Culprit | undefined> {
  const order = plan
    .map((p, i) => ({ i, saving: exact[i].bytes - p.bytes }))
    .filter(({ i }) => isChanged(plan[i]))
    .sort((a, b) => b.saving - a.saving || a.i - b.i)
    .map(({ i }) => i);
  if (order.length === 0) return undefined;
  let verifications = 0;
  let passed: Culprit['passed'];
  /** The smallest k in (lo, hi] whose first k changes (plus `always`) fail, knowing k = hi fails. */
  const firstFailing = async (lo: number, hi: number, always?: number): Promise<number> => {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const chosen = new Set(order.slice(0, mid));
      if (always !== undefined) chosen.add(always);
      const candidate = plan.map((p, i) => (chosen.has(i) ? p : exact[i]));
      const fidelity = await verify(candidate);
      verifications++;
      if (fidelity.withinBudget) {
        lo = mid;
        if (always === undefined) passed = { plan: candidate, fidelity };
      } else {
        hi = mid;
      }
    }
    return hi;
  };
  const k = await firstFailing(0, order.length);
  const tip = order[k - 1];
  if (k === 1) return { indices: [tip], ...(passed ? { passed } : {}), verifications };
  // The tip alone; if within budget, with the first j changes before it.
  const alone = await verify(plan.map((p, i) => (i === tip ? p : exact[i])));
  verifications++;
  if (!alone.withinBudget) return { indices: [tip], ...(passed ? { passed } : {}), verifications };
  const j = await firstFailing(0, k - 1, tip);
  const indices = [tip, order[j - 1]];
  return { indices, ...(passed ? { passed } : {}), verifications };
}
