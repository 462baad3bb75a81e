import { describe, expect, it } from 'vitest';
import type { FidelityReport } from './compare-outputs.js';
import type { PlanTensor } from './options.js';
import { safestOfSmallest, searchAllocation, type TensorPlan, type Verified } from './search.js';
import type { TensorSensitivity } from './sensitivity.js';
import type { TensorCandidate } from './tensor-candidates.js';

const verified = (bytes: number, drift: number): Verified => ({ plan: [], lambda: 0, bytes, fidelity: { outputs: [], withinBudget: true, drift } });

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
    const found = await searchAllocation({ tensors, candidates, sensitivity, verify, maxVerifications: 1 });
    expect(found.plan.map((p) => [p.name, p.bits, p.float16 ?? false])).toEqual([['coded', 4, false], ['sensitive', null, true]]);
    expect(found.fidelity.withinBudget).toBe(true);
    expect(found.notes).toEqual([
      'predicted drift 1.00: 4,500 B, measured worst relative error 0.0100, within budget',
      'the accepted allocation with the tensors it keeps exactly rounded to float16: 2,500 B, measured worst relative error 0.0100, within budget',
    ]);
  });
});
