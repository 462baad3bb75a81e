/**
 * The cautious allocation, a start the price search is checked against: every tensor unpruned,
 * in 8-bit codes (with per-channel scales where offered), or in finer codes no less precise, or
 * stored losslessly, whichever is smallest — much as `dc compress --no-retrain` writes without
 * calibration inputs. The search prices tensors by drifts probed one at a time and added, which
 * overstate the harm of many small steps taken together, so it can settle on a larger file than
 * this one, keeping many tensors as floats. Where the cautious allocation is smaller and verified
 * within budget, the refinement starts from it instead.
 */
import type { PlanTensor } from './options.js';
import { candidateDrift, planEntry, type TensorPlan } from './search.js';
import type { TensorSensitivity } from './sensitivity.js';
import type { TensorCandidate } from './tensor-candidates.js';

/** Bits of the cautious allocation's codes. */
export const CAUTIOUS_BITS = 8;

/**
 * The smallest of a tensor's cautious candidates: unpruned, and stored losslessly, or in
 * {@link CAUTIOUS_BITS}-bit codes (with per-channel scales where offered), or in finer codes of
 * the same scales whose error is no larger than those 8-bit codes' (a writer whose fine codes cost
 * fewer bytes, as a GraphModel file's uniform grids do on a kernel of a few hundred weights, where
 * 256 learned centroids outweigh the codes). Undefined where none is offered.
 */
export function cautiousCandidate(candidates: readonly TensorCandidate[]): TensorCandidate | undefined {
  const lossless = candidates.find((c) => c.sparsity === 0 && c.bits === null && !c.float16);
  const coded = candidates.filter((c) => c.sparsity === 0 && c.bits === CAUTIOUS_BITS);
  const scaled = coded.find((c) => c.channels !== undefined) ?? coded[0];
  const finer = scaled ? candidates.filter((c) => c.sparsity === 0 && c.bits !== null && c.bits > CAUTIOUS_BITS && c.channels === scaled.channels && c.quantizeError <= scaled.quantizeError) : [];
  return [lossless, scaled, ...finer].filter((c) => c !== undefined).reduce<TensorCandidate | undefined>((a, c) => (!a || c.bytes < a.bytes ? c : a), undefined);
}

/** The cautious allocation of `tensors` (see the module comment); undefined where a tensor offers no such candidate. */
export function cautiousPlan(tensors: readonly PlanTensor[], candidates: ReadonlyMap<string, readonly TensorCandidate[]>, sensitivity: ReadonlyMap<string, TensorSensitivity>): TensorPlan[] | undefined {
  const plan: TensorPlan[] = [];
  for (const t of tensors) {
    const c = cautiousCandidate(candidates.get(t.name)!);
    if (!c) return undefined;
    plan.push(planEntry(t, c, candidateDrift(sensitivity.get(t.name)!, c)));
  }
  return plan;
}
