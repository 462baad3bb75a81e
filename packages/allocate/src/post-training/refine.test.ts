import { describe, expect, it } from 'vitest';
import type { FidelityReport } from './compare-outputs.js';
import type { PlanTensor } from './options.js';
import { refineAllocation } from './refine.js';
import { planEntry, type TensorPlan } from './search.js';
import type { TensorSensitivity } from './sensitivity.js';
import type { TensorCandidate } from './tensor-candidates.js';

const EXACT: TensorCandidate = { sparsity: 0, bits: null, pruneError: 0, quantizeError: 0, bytes: 4000 };
const candidate = (bits: number, quantizeError: number, bytes: number): TensorCandidate => ({ sparsity: 0, bits, pruneError: 0, quantizeError, bytes });
const report = (withinBudget: boolean, drift: number): FidelityReport => ({ outputs: [], withinBudget, drift });
/** The margin of these tests: a drift of at most 0.5. */
const withinMargin = (f: FidelityReport): boolean => f.drift <= 0.5;

/** Tensors a (4,000 weights), b (2,000) and c (1,000), every one kept exactly, 8 / 6 / 4 bits to go. */
function setup() {
  const sizes = { a: 4000, b: 2000, c: 1000 };
  const tensors: PlanTensor[] = Object.entries(sizes).map(([name, n]) => ({ name, shape: [n], values: new Float32Array(n) }));
  const candidates = new Map(Object.values(sizes).map((n, i) => [tensors[i].name, [{ ...EXACT, bytes: 4 * n }, candidate(8, 1e-6, n), candidate(6, 1e-4, 0.75 * n), candidate(4, 1e-3, 0.5 * n)]]));
  const sensitivity = new Map(tensors.map((t): [string, TensorSensitivity] => [t.name, { name: t.name, pruneGain: 0, quantizeGain: 1, scaledQuantizeGain: 1, measured: true }]));
  const plan = tensors.map((t) => planEntry(t, candidates.get(t.name)![0], 0));
  return { tensors, candidates, sensitivity, plan, fidelity: report(true, 0) };
}
const bits = (plan: readonly TensorPlan[]) => plan.map((p) => `${p.name}${p.bits ?? 'f'}`).join(' ');

describe('refineAllocation', () => {
  it('takes the largest saving first, one gentlest step at a time, and keeps what measures within the margin', async () => {
    const s = setup();
    const seen: string[] = [];
    // b may go no lower than 6 bits; everything else passes.
    const verify = async (plan: readonly TensorPlan[]): Promise<FidelityReport> => {
      seen.push(bits(plan));
      const ok = plan[1].bits === null || plan[1].bits >= 6;
      return report(true, ok ? 0.1 : 0.9);
    };
    const r = await refineAllocation({ ...s, verify, withinMargin, maxSteps: 20 });
    expect(seen).toEqual([
      'a8 bf cf', // a saves 12,000 B (float → 8 bits, its gentlest cheaper step)
      'a8 b8 cf', // then b's 6,000
      'a8 b8 c8', // c's 3,000 beats a's 1,000 (8 → 6 bits)
      'a6 b8 c8',
      'a4 b8 c8',
      'a4 b6 c8',
      'a4 b4 c8', // refused: b stays at 6 bits and is not tried again
      'a4 b6 c6',
      'a4 b6 c4',
    ]);
    expect(bits(r.plan)).toBe('a4 b6 c4');
    expect(r.fidelity.drift).toBe(0.1);
    expect(r.notes).toEqual(['refined by 8 of 9 verified one-tensor steps, each within the margin: 28,000 → 4,000 predicted bytes, measured worst error 0.0000']);
  });

  it('stops after maxSteps verifications; a step over the budget itself is refused even within the margin', async () => {
    const s = setup();
    let calls = 0;
    const verify = async (): Promise<FidelityReport> => {
      calls++;
      return report(calls !== 1, 0.5);
    };
    const r = await refineAllocation({ ...s, verify, withinMargin, maxSteps: 3 });
    expect(calls).toBe(3);
    expect(bits(r.plan)).toBe('af b8 c8'); // a's first step failed the budget: a is never tried again
    expect((await refineAllocation({ ...s, verify, withinMargin, maxSteps: 0 })).notes).toEqual([]);
  });

  it('refines an allocation the search accepted beyond the margin: a cheaper step may measure within it', async () => {
    const s = setup();
    // a's first step measures within the margin although the searched allocation (0.6) did not; no other plan does.
    const seen: string[] = [];
    const verify = async (plan: readonly TensorPlan[]): Promise<FidelityReport> => {
      seen.push(bits(plan));
      return report(true, bits(plan) === 'a8 bf cf' ? 0.4 : 0.7);
    };
    const r = await refineAllocation({ ...s, fidelity: report(true, 0.6), verify, withinMargin, maxSteps: 20 });
    expect(seen).toEqual(['a8 bf cf', 'a8 b8 cf', 'a8 bf c8', 'a6 bf cf']);
    expect(bits(r.plan)).toBe('a8 bf cf');
    expect(r.notes).toEqual(['refined by 1 of 4 verified one-tensor steps, each within the margin: 28,000 → 16,000 predicted bytes, measured worst error 0.0000']);
  });
});
