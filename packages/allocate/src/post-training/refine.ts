/**
 * Greedy refinement after the price search. The search prices every tensor from gains probed one
 * tensor at a time, and a culprit's gains grow by its misprediction: where the probes overstate a
 * tensor's harm, the accepted allocation keeps bytes the budget would allow. Refinement measures
 * instead of predicting: from the accepted allocation, the tensor whose next cheaper step saves the
 * most bytes takes it (its gentlest cheaper candidate: the least predicted drift), verified on
 * every calibration batch against the budget tightened by a margin (headroom for inputs not
 * calibrated on); a step within it is kept, and a tensor whose step fails is not tried again.
 * An allocation the search accepted beyond the margin is refined too: the worst of many entries
 * (an anchor's score, a sample's cosine) does not always grow with a cheaper step.
 */
import { worstError, type FidelityReport } from './compare-outputs.js';
import type { PlanTensor } from './options.js';
import { candidateDrift, planBytes, planEntry, type TensorPlan } from './search.js';
import type { TensorSensitivity } from './sensitivity.js';
import type { TensorCandidate } from './tensor-candidates.js';

/** The cheaper candidate of `t` (than its entry `p`) that moves its weights least by the predicted drift; ties: fewer bytes. */
function gentlestCheaper(t: PlanTensor, p: TensorPlan, cands: readonly TensorCandidate[], s: TensorSensitivity): TensorPlan | undefined {
  let best: TensorPlan | undefined;
  for (const c of cands) {
    if (c.bytes >= p.bytes) continue;
    const drift = candidateDrift(s, c);
    if (!best || drift < best.drift || (drift === best.drift && c.bytes < best.bytes)) best = planEntry(t, c, drift);
  }
  return best;
}

/** Refines `plan` (verified within budget, `fidelity`) by at most `maxSteps` verified steps (see the module comment). */
export async function refineAllocation(args: {
  readonly tensors: readonly PlanTensor[];
  readonly candidates: ReadonlyMap<string, readonly TensorCandidate[]>;
  readonly sensitivity: ReadonlyMap<string, TensorSensitivity>;
  readonly plan: readonly TensorPlan[];
  readonly fidelity: FidelityReport;
  /** The fidelity of an allocation on every calibration batch, judged against the budget. */
  readonly verify: (plan: readonly TensorPlan[]) => Promise<FidelityReport>;
  /** Whether a report is within the budget tightened by the margin. */
  readonly withinMargin: (fidelity: FidelityReport) => boolean;
  readonly maxSteps: number;
  readonly onProgress?: (event: { label: string; current: number; total: number }) => void;
}): Promise<{ plan: TensorPlan[]; fidelity: FidelityReport; notes: string[] }> {
  let plan = [...args.plan];
  let fidelity = args.fidelity;
  const refused = new Set<number>();
  const before = planBytes(plan);
  let kept = 0;
  let steps = 0;
  while (steps < args.maxSteps) {
    let next: { index: number; entry: TensorPlan; saving: number } | undefined;
    for (const [i, t] of args.tensors.entries()) {
      if (refused.has(i)) continue;
      const entry = gentlestCheaper(t, plan[i], args.candidates.get(t.name)!, args.sensitivity.get(t.name)!);
      const saving = entry ? plan[i].bytes - entry.bytes : 0;
      if (entry && (!next || saving > next.saving)) next = { index: i, entry, saving };
    }
    if (!next) break;
    steps++;
    const trial = plan.map((p, i) => (i === next.index ? next.entry : p));
    const measured = await args.verify(trial);
    args.onProgress?.({ label: `refine ${next.entry.name}`, current: steps, total: args.maxSteps });
    if (measured.withinBudget && args.withinMargin(measured)) {
      plan = trial;
      fidelity = measured;
      kept++;
    } else {
      refused.add(next.index);
    }
  }
  const after = planBytes(plan);
  const notes =
    steps === 0
      ? []
      : [`refined by ${kept} of ${steps} verified one-tensor steps, each within the margin: ${Math.round(before).toLocaleString('en')} → ${Math.round(after).toLocaleString('en')} predicted bytes, measured worst error ${worstError(fidelity).toFixed(4)}`];
  return { plan, fidelity, notes };
}
