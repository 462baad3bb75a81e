import { describe, expect, it } from 'vitest';
import { caseBytes } from './fuzz-case.test-support.js';
import { fuzzCorpus } from './fuzz-seeds.test-support.js';
import { watchedFuzz } from './watched-fuzz.test-support.js';

// The watchdog itself, on a stand-in worker that misbehaves at case 2 as its seed says
// (watchdog-fixture.test-support.ts); the real loop is run under it in container-fuzz.test.ts.
describe('watchedFuzz', () => {
  const worker = new URL('./watchdog-fixture.test-support.ts', import.meta.url);
  const named = (seed: number, index: number) => {
    const made = caseBytes(fuzzCorpus(), seed, index);
    return { index, seed: made.seed, mutations: made.mutations };
  };

  it('returns the final report of a run that finishes', async () => {
    const run = await watchedFuzz({ cases: 5, seed: 9, worker });
    expect(run).toEqual({ report: expect.objectContaining({ cases: 5, seed: 9 }) });
  });

  it('names a case during which the worker calls process.exit as a crash, not a hang', async () => {
    const run = await watchedFuzz({ cases: 5, seed: 1, hangSeconds: 60, worker });
    expect(run.hang).toBeUndefined();
    expect(run.crash).toEqual({ ...named(1, 2), exitCode: 3 });
    expect(run.report.cases).toBe(0); // the progress report posted before the first case
  });

  it('names a case that throws past the loop as a crash with its error', async () => {
    const run = await watchedFuzz({ cases: 5, seed: 3, hangSeconds: 60, worker });
    expect(run.crash).toEqual({ ...named(3, 2), exitCode: 1, error: 'a reader threw past the fuzz loop' });
  });

  it('names a case that makes no progress for hangSeconds as a hang', async () => {
    const run = await watchedFuzz({ cases: 5, seed: 2, hangSeconds: 2, worker });
    expect(run.crash).toBeUndefined();
    expect(run.hang).toEqual({ ...named(2, 2), seconds: 2 });
  });

  it('rejects a worker that ends before its first case', async () => {
    await expect(watchedFuzz({ cases: 5, seed: 4, worker })).rejects.toThrow('the fuzz worker exited with code 5 before its first case');
  });
});
