/** Side-by-side timing: candidates run interleaved, round by round, and each keeps its median. */

/** A function to time (one call = one measured run). */
export type Timed = () => Promise<unknown>;

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs each candidate `warmup` times, then interleaves them (A B A B ...) until every candidate
 * has at least `minRuns` runs and `minTimeMs` of total time has passed (or `maxRuns` is reached).
 * Returns the median milliseconds per candidate.
 */
export async function timeInterleaved(candidates: readonly Timed[], o: { warmup?: number; minRuns?: number; maxRuns?: number; minTimeMs?: number } = {}): Promise<number[]> {
  const warmup = o.warmup ?? 3;
  const minRuns = o.minRuns ?? 5;
  const maxRuns = o.maxRuns ?? 200;
  const minTime = o.minTimeMs ?? 500;
  for (let i = 0; i < warmup; i++) for (const c of candidates) await c();
  const times: number[][] = candidates.map(() => []);
  const t0 = performance.now();
  for (let run = 0; run < maxRuns; run++) {
    for (let c = 0; c < candidates.length; c++) {
      const s = performance.now();
      await candidates[c]();
      times[c].push(performance.now() - s);
    }
    if (run + 1 >= minRuns && performance.now() - t0 >= minTime) break;
  }
  return times.map(median);
}
