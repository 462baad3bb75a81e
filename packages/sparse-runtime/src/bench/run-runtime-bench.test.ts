import { describe, expect, it } from 'vitest';
import { randomMlp } from '../testing/random-model.js';
import { formatRuntimeBench, runRuntimeBench } from './index.js';

describe('runRuntimeBench', () => {
  it('measures the cpu backend and dense tfjs-wasm side by side and returns plain JSON', async () => {
    const r = await runRuntimeBench({ model: randomMlp({ seed: 1, sizes: [100, 40, 10], density: 0.1, bits: 4 }), batchSizes: [1, 1000], minTimeMs: 50, threads: 2 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.model).toMatchObject({ source: 'model', parameters: 100 * 40 + 40 + 40 * 10 + 10 });
    expect(r.rows.map((row) => row.batch)).toEqual([1, 1000]);
    for (const row of r.rows) {
      expect(row.cpuMs).toBeGreaterThan(0);
      expect(row.speedup).toBeCloseTo(row.denseWasmMs / row.cpuMs, 10);
      expect(row.target).toBe(row.batch === 1 ? 9 : 3);
      expect(row.threadsSpeedup).toBeCloseTo(row.denseWasmMs / row.cpuThreadsMs!, 10);
    }
    expect(r.threads).toBe(2);
    expect(r.environment.tfjsBackend).toBe('wasm');
    expect(formatRuntimeBench(r)).toMatch(/\| 1000 \|/);
    expect(formatRuntimeBench(r)).toMatch(/cpu, 2 threads/);
  });
});
