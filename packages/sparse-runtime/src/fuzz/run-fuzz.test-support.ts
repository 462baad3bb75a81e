/**
 * The fuzz loop and its report: cases, outcome → count, findings, slowest case, cases over 1 s,
 * peak RSS. Used by the bounded unit test and by `pnpm fuzz` (scripts/fuzz.ts).
 */
import { createCpuBackend } from '../cpu/cpu-backend.js';
import { isFinding, runCase, type CaseResult } from './fuzz-case.test-support.js';
import { fuzzCorpus, type FuzzCorpus } from './fuzz-seeds.test-support.js';

/** Options of {@link runFuzz}. */
export interface RunFuzzOptions {
  readonly cases: number;
  /** The run's seed: case `i` of a seed is always the same bytes. */
  readonly seed?: number;
  /** First case index (to resume or shard a run). */
  readonly from?: number;
  /** Stop early after this many milliseconds (the report says how many cases ran). */
  readonly deadlineMs?: number;
  readonly corpus?: FuzzCorpus;
  /** Called before the first case and then every `progressEvery` cases (the report of the cases done). */
  readonly onProgress?: (done: number, report: FuzzReport) => void;
  readonly progressEvery?: number;
  /** Called before each case with its index (a watchdog's heartbeat: see scripts/fuzz.ts). */
  readonly onCase?: (index: number) => void;
}

/** A finding, kept with what made it. */
export interface Finding extends CaseResult {
  readonly index: number;
}

/** What a run saw. */
export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  readonly seeds: readonly string[];
  readonly outcomes: Record<string, number>;
  /** Up to 50 findings (crashes, broken invariants, non-finite outputs). */
  readonly findings: Finding[];
  readonly findingCount: number;
  /** The case that took the most CPU time. */
  readonly slowest: { readonly index: number; readonly cpuMs: number; readonly ms: number; readonly outcome: string; readonly seed: string; readonly mutations: readonly string[] };
  /** Cases that took more than 1 s of CPU time. */
  readonly over1s: number;
  /** The longest wall-clock time of a case (includes waiting for the CPU on a loaded machine). */
  readonly maxWallMs: number;
  readonly wallMs: number;
  /** Peak resident set size of the process (`process.resourceUsage().maxRSS`), MiB. */
  readonly peakRssMiB: number;
}

/** Runs `cases` fuzz cases on the CPU runtime. */
export async function runFuzz(options: RunFuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? 1;
  const corpus = options.corpus ?? fuzzCorpus();
  const backend = createCpuBackend();
  const t0 = performance.now();
  const outcomes: Record<string, number> = {};
  const findings: Finding[] = [];
  let findingCount = 0;
  let slowest: FuzzReport['slowest'] = { index: -1, cpuMs: 0, ms: 0, outcome: '', seed: '', mutations: [] };
  let over1s = 0;
  let maxWallMs = 0;
  let cases = 0;
  const report = (): FuzzReport => ({
    seed,
    cases,
    seeds: corpus.seeds.map((s) => s.name),
    outcomes: { ...outcomes },
    findings: [...findings],
    findingCount,
    slowest,
    over1s,
    maxWallMs,
    wallMs: performance.now() - t0,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  });
  const from = options.from ?? 0;
  for (let i = from; i < from + options.cases; i++) {
    if (options.deadlineMs !== undefined && performance.now() - t0 > options.deadlineMs) break;
    if (options.onProgress && cases % (options.progressEvery ?? 1000) === 0) options.onProgress(cases, report());
    options.onCase?.(i);
    const result = await runCase(corpus, seed, i, backend);
    cases++;
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    if (isFinding(result.outcome)) {
      findingCount++;
      if (findings.length < 50) findings.push({ index: i, ...result });
    }
    if (result.cpuMs > slowest.cpuMs) slowest = { index: i, cpuMs: result.cpuMs, ms: result.ms, outcome: result.outcome, seed: result.seed, mutations: result.mutations };
    if (result.cpuMs > 1000) over1s++;
    maxWallMs = Math.max(maxWallMs, result.ms);
  }
  return report();
}

/** The report as a Markdown table and a few lines. */
export function formatFuzzReport(r: FuzzReport): string {
  const rows = Object.entries(r.outcomes).sort((a, b) => b[1] - a[1]);
  const lines = [
    `cases: ${r.cases.toLocaleString('en-US')} (seed ${r.seed}; ${r.seeds.length} seed files: ${r.seeds.join(', ')})`,
    '',
    '| outcome | cases | share |',
    '|---|---:|---:|',
    ...rows.map(([k, n]) => `| ${k} | ${n.toLocaleString('en-US')} | ${((100 * n) / r.cases).toFixed(2)}% |`),
    '',
    `findings (non-DcError exceptions, broken invariants, non-finite outputs): ${r.findingCount}`,
    `cases over 1 s of CPU: ${r.over1s}; slowest: ${r.slowest.cpuMs.toFixed(1)} ms CPU, ${r.slowest.ms.toFixed(1)} ms wall (case ${r.slowest.index}, ${r.slowest.seed}: ${r.slowest.mutations.join('; ')} → ${r.slowest.outcome}); longest wall time of a case: ${r.maxWallMs.toFixed(1)} ms`,
    `wall time: ${(r.wallMs / 1000).toFixed(1)} s; peak RSS: ${r.peakRssMiB.toFixed(0)} MiB`,
  ];
  for (const f of r.findings.slice(0, 10)) lines.push(`  case ${f.index} (${f.seed}: ${f.mutations.join('; ')}): ${f.outcome} ${f.detail ?? ''}`);
  return lines.join('\n');
}
