import { describe, expect, it } from 'vitest';
import { CAUTIOUS_BITS, cautiousCandidate } from './cautious-start.js';
import type { TensorCandidate } from './tensor-candidates.js';

const candidate = (bits: number | null, bytes: number, quantizeError: number, more: Partial<TensorCandidate> = {}): TensorCandidate => ({ sparsity: 0, bits, pruneError: 0, quantizeError, bytes, ...more });

describe('cautiousCandidate', () => {
  const lossless = candidate(null, 4000, 0);
  const eight = candidate(CAUTIOUS_BITS, 1200, 1e-4, { channels: 16 });
  const eightRaw = candidate(CAUTIOUS_BITS, 1100, 5e-4);

  it('takes the 8-bit codes with per-channel scales, or lossless where that is smaller', () => {
    expect(cautiousCandidate([lossless, eightRaw, eight])).toBe(eight);
    const tiny = candidate(null, 1000, 0);
    expect(cautiousCandidate([tiny, eightRaw, eight])).toBe(tiny);
  });

  it('takes finer codes of the same scales only where their error is no larger and their bytes fewer', () => {
    const finerCheaper = candidate(10, 900, 0.9e-4, { channels: 16 });
    expect(cautiousCandidate([lossless, eight, finerCheaper])).toBe(finerCheaper);
    const finerLessPrecise = candidate(10, 900, 1.1e-4, { channels: 16 });
    expect(cautiousCandidate([lossless, eight, finerLessPrecise])).toBe(eight);
    const finerDearer = candidate(12, 1300, 1e-6, { channels: 16 });
    expect(cautiousCandidate([lossless, eight, finerDearer])).toBe(eight);
    const finerWithoutScales = candidate(10, 900, 1e-5);
    expect(cautiousCandidate([lossless, eight, finerWithoutScales])).toBe(eight);
    const prunedFiner = candidate(10, 500, 1e-5, { channels: 16, sparsity: 0.3 });
    expect(cautiousCandidate([lossless, eight, prunedFiner])).toBe(eight);
  });

  it('is undefined where a tensor offers no such candidate', () => {
    expect(cautiousCandidate([candidate(4, 100, 1, { sparsity: 0.5 })])).toBeUndefined();
  });
});
