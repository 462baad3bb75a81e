import { describe, expect, it } from 'vitest';
import type { FidelityReport } from './compare-outputs.js';
import type { PlanTensor } from './options.js';
import { safestOfSmallest, searchAllocation, type TensorPlan, type Verified } from './search.js';
import type { TensorSensitivity } from './sensitivity.js';
import type { TensorCandidate } from './tensor-candidates.js';

const verified = (bytes: number, drift: number): Verified => ({ plan: [], lambda: 0, bytes, fidelity: { outputs: [], withinBudget: true, drift } });

/**
 * Eight tensors a … h of 1,000 weights, each priced as harmless to code (gain 1e3 at the given
 * candidates' errors), and a model whose output jumps (drift 10) when `jumps(plan)`: the search's
 * arguments, and every verified plan in order ("a4b4…": the coded tensors and their bits).
 */
function jumpingModel(options: TensorCandidate[], jumps: (plan: readonly TensorPlan[]) => boolean) {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const tensors: PlanTensor[] = names.map((name) => ({ name, shape: [1000], values: new Float32Array(1000) }));
  const candidates = new Map(names.map((n) => [n, options]));
  const sensitivity = new Map(names.map((n): [string, TensorSensitivity] => [n, { name: n, pruneGain: 0, quantizeGain: 1e3, scaledQuantizeGain: 1e3, measured: true }]));
  const seen: string[] = [];
  const verify = async (plan: readonly TensorPlan[]): Promise<FidelityReport> => {
    seen.push(plan.map((p) => (p.bits === null ? '' : `${p.name}${p.bits}`)).join(''));
    const jump = jumps(plan);
    return { outputs: [{ output: 0, kind: 'regression', relativeError: jump ? 0.2 : 0.001, cosine: 1, withinBudget: !jump }], withinBudget: !jump, drift: jump ? 10 : 0.05 };
  };
  return { args: { tensors, candidates, sensitivity, verify }, seen };
}

const bitsOf = (plan: readonly TensorPlan[], name: string) => plan.find((p) => p.name === name)!.bits;
const EXACT: TensorCandidate = { sparsity: 0, bits: null, pruneError: 0, quantizeError: 0, bytes: 4000 };
const FOUR_BITS: TensorCandidate = { sparsity: 0, bits: 4, pruneError: 0, quantizeError: 1e-6, bytes: 500 };

describe('which verified allocation wins', () => {
  it('the smallest, unless one within 1% of its bytes was measured further inside the budget', () => {
    const [a, b, c] = [verified(2_412_196, 0.025), verified(2_399_942, 0.045), verified(2_394_988, 0.155)];
    expect(safestOfSmallest([a, b, c])).toBe(a); // 0.72% more bytes, a sixth of the drift
    expect(safestOfSmallest([verified(2_420_000, 0.01), b, c])).toBe(b); // 1.04% more: not within 1%
    expect(safestOfSmallest([verified(1000, 0.9), verified(2000, 0.1)])?.bytes).toBe(1000);
    expect(safestOfSmallest([])).toBeUndefined();
  });

  it('rounds to float16 the tensors the accepted allocation keeps float32, when that stays within budget', async () => {
    // Two tensors of 1,000 weights: `coded` is cheap to code; `sensitive` was probed so sensitive
    // that even its float16 rounding is priced over budget, though rounding barely moves it.
    const tensors: PlanTensor[] = ['coded', 'sensitive'].map((name) => ({ name, shape: [1000], values: new Float32Array(1000) }));
    const options = (quantizeError: number): TensorCandidate[] => [
      { sparsity: 0, bits: null, pruneError: 0, quantizeError: 0, bytes: 4000 },
      { sparsity: 0, bits: null, float16: true, pruneError: 0, quantizeError, bytes: 2000 },
      { sparsity: 0, bits: 4, pruneError: 0, quantizeError: 100 * quantizeError, bytes: 500 },
    ];
    const candidates = new Map([['coded', options(1e-6)], ['sensitive', options(1e-6)]]);
    const gain = (g: number): TensorSensitivity => ({ name: '', pruneGain: 0, quantizeGain: g, scaledQuantizeGain: g, measured: true });
    const sensitivity = new Map([['coded', gain(1e3)], ['sensitive', gain(1e9)]]);
    // Measured: coding `sensitive` breaks the budget; anything else is within it.
    const verify = async (plan: readonly TensorPlan[]): Promise<FidelityReport> => {
      const bad = plan.find((p) => p.name === 'sensitive')!.bits !== null;
      return { outputs: [{ output: 0, kind: 'regression', relativeError: bad ? 0.05 : 0.01, cosine: 1, withinBudget: !bad }], withinBudget: !bad, drift: bad ? 2.5 : 0.5 };
    };
    // One price verified (what a large model's budget of runs affords), and the two float16 tries.
    const found = await searchAllocation({ tensors, candidates, sensitivity, verify, maxVerifications: 1, maxCulpritSearches: 0 });
    expect(found.plan.map((p) => [p.name, p.bits, p.float16 ?? false])).toEqual([['coded', 4, false], ['sensitive', null, true]]);
    expect(found.fidelity.withinBudget).toBe(true);
    expect(found.notes).toEqual([
      'predicted drift 1.00: 4,500 B, measured worst error 0.0100, within budget',
      'the accepted allocation with the tensors it keeps exactly rounded to float16: 2,500 B, measured worst error 0.0100, within budget',
    ]);
  });

  it('finds the one tensor that makes an output jump and codes it more gently, the others as before', async () => {
    // Coding f at 4 bits makes an output jump (a threshold crossed), which no probe foresaw; at 8 bits it does not.
    const eightBits: TensorCandidate = { sparsity: 0, bits: 8, pruneError: 0, quantizeError: 1e-9, bytes: 1000 };
    const { args, seen } = jumpingModel([EXACT, eightBits, FOUR_BITS], (plan) => bitsOf(plan, 'f') === 4);
    const found = await searchAllocation({ ...args, maxVerifications: 2, maxCulpritSearches: 1 });
    // All at 4 bits (over), then the bisection: the first 4, 6, 5 changes, f alone; then f at 8 bits, at the same target.
    expect(seen).toEqual(['a4b4c4d4e4f4g4h4', 'a4b4c4d4', 'a4b4c4d4e4f4', 'a4b4c4d4e4', 'f4', 'a4b4c4d4e4f8g4h4']);
    expect(found.plan.map((p) => p.bits)).toEqual([4, 4, 4, 4, 4, 8, 4, 4]);
    expect(found.notes).toEqual([
      'predicted drift 1.00: 4,000 B, measured worst error 0.2000, over budget (output 0 (regression): relative error 20.00%)',
      'culprit f: coding it so tips the allocation over budget (measured drift 10.0 against 0.0894 predicted), found in 4 verifications; gains × 1.00e+5, only gentler candidates',
      "the allocation's larger savings before it: 14,500 B, measured worst error 0.0010, within budget",
      'predicted drift 1.00: 4,500 B, measured worst error 0.0010, within budget',
      'at the highest price tried (1e+6 drift per byte), within budget: no smaller allocation to try',
    ]);
    // Without culprit searches the price falls until every tensor takes 8 bits.
    const none = await searchAllocation({ ...args, maxVerifications: 8, maxCulpritSearches: 0 });
    expect(none.plan.map((p) => p.bits)).toEqual([8, 8, 8, 8, 8, 8, 8, 8]);
  });

  it('finds both tensors of a jump that needs two, and codes both more gently', async () => {
    // An output jumps only when both c and f are coded (two close peaks of an argmax).
    const { args, seen } = jumpingModel([EXACT, FOUR_BITS], (plan) => bitsOf(plan, 'c') !== null && bitsOf(plan, 'f') !== null);
    const found = await searchAllocation({ ...args, maxVerifications: 2, maxCulpritSearches: 1 });
    // f tips the first six over; alone it passes; with the first 2 it passes, with the first 3 (c) not.
    expect(seen).toEqual(['a4b4c4d4e4f4g4h4', 'a4b4c4d4', 'a4b4c4d4e4f4', 'a4b4c4d4e4', 'f4', 'a4b4f4', 'a4b4c4f4', 'a4b4d4e4g4h4']);
    expect(found.plan.map((p) => p.bits)).toEqual([4, 4, null, 4, 4, null, 4, 4]);
    expect(found.notes[1]).toBe('culprits f and c: coding both so tips the allocation over budget (measured drift 10.0 against 0.0894 predicted), found in 6 verifications; gains × 1.00e+5, only gentler candidates');
  });

  it('stops once the highest price it tries is within budget: no target gives a smaller allocation', async () => {
    // Coding every tensor barely moves the output (bias correction can make it so): one verification, not a climb to an infinite target.
    const { args, seen } = jumpingModel([EXACT, FOUR_BITS], () => false);
    const found = await searchAllocation({ ...args, maxVerifications: 8, maxCulpritSearches: 1 });
    expect(seen).toEqual(['a4b4c4d4e4f4g4h4']);
    expect(found.plan.map((p) => p.bits)).toEqual([4, 4, 4, 4, 4, 4, 4, 4]);
    expect(found.notes).toEqual(['predicted drift 1.00: 4,000 B, measured worst error 0.0010, within budget', 'at the highest price tried (1e+6 drift per byte), within budget: no smaller allocation to try']);
  });
});

describe('when nothing passes', () => {
  it('keeps every tensor float and names the outputs over budget even with every weight rounded to float16, saying how to judge them', async () => {
    const rounding: TensorCandidate = { sparsity: 0, bits: null, float16: true, pruneError: 0, quantizeError: 1e-9, bytes: 2000 };
    const { args, seen } = jumpingModel([EXACT, rounding, FOUR_BITS], (plan) => plan.some((p) => p.bits !== null || p.float16));
    const found = await searchAllocation({ ...args, maxVerifications: 1, maxCulpritSearches: 0 });
    expect(found.plan.every((p) => p.bits === null && !p.float16)).toBe(true);
    expect(seen).toHaveLength(3); // one price, every tensor rounded, then the exact tensors
    expect(found.notes.slice(-3)).toEqual([
      'every float32 tensor rounded to float16 (no coded allocation was verified within budget): 16,000 B, measured worst error 0.2000, over budget (output 0 (regression): relative error 20.00%)',
      'no compressed allocation was verified within budget: every tensor stays float',
      expect.stringMatching(/^output 0 is over budget even with every weight only rounded to float16 .* kind 'ignore' for it \(outputKinds; dc compress --output-kinds\)/),
    ]);
  });
});
