import { describe, expect, it } from 'vitest';
import { safestOfSmallest, type Verified } from './search.js';

const verified = (bytes: number, drift: number): Verified => ({ plan: [], lambda: 0, bytes, fidelity: { outputs: [], withinBudget: true, drift } });

describe('which verified allocation wins', () => {
  it('the smallest, unless one within 1% of its bytes was measured further inside the budget', () => {
    const [a, b, c] = [verified(2_412_196, 0.025), verified(2_399_942, 0.045), verified(2_394_988, 0.155)];
    expect(safestOfSmallest([a, b, c])).toBe(a); // 0.72% more bytes, a sixth of the drift
    expect(safestOfSmallest([verified(2_420_000, 0.01), b, c])).toBe(b); // 1.04% more: not within 1%
    expect(safestOfSmallest([verified(1000, 0.9), verified(2000, 0.1)])?.bytes).toBe(1000);
    expect(safestOfSmallest([])).toBeUndefined();
  });
});
