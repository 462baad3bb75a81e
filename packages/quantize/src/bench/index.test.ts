import { describe, expect, it } from 'vitest';
import { formatClusterBench, runClusterBench } from './index.js';

describe('runClusterBench (small)', () => {
  it('measures both algorithms on the pruned and unpruned tensor, reaching the same SSE', () => {
    const result = runClusterBench({ size: 6000, inits: ['linear'] });
    expect(result.rows.map((r) => [r.case, r.algorithm])).toEqual([
      ['pruned', 'lloyd-1d'],
      ['pruned', 'ml-kmeans'],
      ['unpruned', 'lloyd-1d'],
      ['unpruned', 'ml-kmeans'],
    ]);
    expect(result.rows[0].weights).toBe(480);
    expect(result.rows[2].weights).toBe(6000);
    for (const s of result.speedups) expect(Math.abs(s.sseRatio - 1)).toBeLessThan(1e-6);
    expect(formatClusterBench(result)).toContain('| unpruned | linear | lloyd-1d | 6000 | 32 |');
  });
});
