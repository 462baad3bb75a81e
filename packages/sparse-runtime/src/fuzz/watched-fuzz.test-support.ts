/**
 * Runs the fuzz loop (fuzz-worker.test-support.ts) in a worker thread and watches its heartbeat: a
 * case that makes no progress for `hangSeconds` is a hang, and a worker that ends without its
 * final report (a reader calling `process.exit`, running out of memory, throwing past the loop)
 * is a crash: findings the loop itself cannot report. Either way the worker is stopped and the
 * case named with the bytes it was made of.
 */
import { Worker } from 'node:worker_threads';
import { caseBytes } from './fuzz-case.test-support.js';
import type { FuzzWorkerData, FuzzWorkerMessage } from './fuzz-worker.test-support.js';
import { fuzzCorpus } from './fuzz-seeds.test-support.js';
import type { FuzzReport } from './run-fuzz.test-support.js';

/** A case that never returned. */
export interface FuzzHang {
  readonly index: number;
  readonly seed: string;
  readonly mutations: readonly string[];
  readonly seconds: number;
}

/** A case during which the worker ended: its exit code, and the error it ended with, if any. */
export interface FuzzCrash {
  readonly index: number;
  readonly seed: string;
  readonly mutations: readonly string[];
  readonly exitCode: number;
  readonly error?: string;
}

/** The fuzz loop's worker module; {@link WatchedFuzzOptions.worker} replaces it in the watchdog's own tests. */
const FUZZ_WORKER = new URL('./fuzz-worker.test-support.ts', import.meta.url);

/** The worker needs tsx too: this bootstrap registers it before loading the worker's module. */
const boot = (worker: URL) => `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(worker.href)}); })`;

/** Options of {@link watchedFuzz}: those of the fuzz loop, and how long a case may make no progress. */
export interface WatchedFuzzOptions {
  readonly cases: number;
  readonly seed: number;
  readonly from?: number;
  readonly deadlineMs?: number;
  /** Seconds without a case finishing after which the case running is a hang (default 30). */
  readonly hangSeconds?: number;
  readonly onProgress?: (report: FuzzReport) => void;
  /** A module speaking the fuzz worker's protocol (default: the fuzz loop's). */
  readonly worker?: URL;
}

/** The result of {@link watchedFuzz}. */
export interface WatchedFuzzResult {
  /** The final report, or after a hang or a crash the last progress report (the worker posts one before its first case). */
  readonly report: FuzzReport;
  readonly hang?: FuzzHang;
  readonly crash?: FuzzCrash;
}

/**
 * Runs the cases. Rejects when the worker ends before any case started (the corpus could not be
 * built), with the error it ended with.
 */
export function watchedFuzz(o: WatchedFuzzOptions): Promise<WatchedFuzzResult> {
  const hangSeconds = o.hangSeconds ?? 30;
  const heartbeat = new SharedArrayBuffer(8);
  const beats = new Int32Array(heartbeat);
  const worker = new Worker(boot(o.worker ?? FUZZ_WORKER), { eval: true, execArgv: ['--conditions=source'], workerData: { cases: o.cases, seed: o.seed, from: o.from ?? 0, ...(o.deadlineMs === undefined ? {} : { deadlineMs: o.deadlineMs }), heartbeat } satisfies FuzzWorkerData });
  const named = (index: number) => {
    const made = caseBytes(fuzzCorpus(), o.seed, index);
    return { index, seed: made.seed, mutations: made.mutations };
  };
  return new Promise((resolve, reject) => {
    let last: FuzzReport | undefined;
    let settled = false;
    let error: Error | undefined;
    let seen = -1;
    let still = 0;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      then();
    };
    const timer = setInterval(() => {
      const count = Atomics.load(beats, 1);
      if (count === 0) return; // still building the corpus: no case has started
      still = count === seen ? still + 1 : 0;
      seen = count;
      if (still < hangSeconds) return;
      settle(() => void worker.terminate().then(() => resolve({ report: last!, hang: { ...named(Atomics.load(beats, 0)), seconds: hangSeconds } })));
    }, 1000);
    worker.on('message', (m: FuzzWorkerMessage) => {
      last = m.report;
      if (m.kind === 'progress') o.onProgress?.(m.report);
      else settle(() => void worker.terminate().then(() => resolve({ report: m.report })));
    });
    // An error event comes before the exit event of the same end: keep it for the crash.
    worker.on('error', (e) => (error = e));
    worker.on('exit', (exitCode) =>
      settle(() => {
        if (Atomics.load(beats, 1) === 0 || !last) reject(error ?? new Error(`the fuzz worker exited with code ${exitCode} before its first case`));
        else resolve({ report: last, crash: { ...named(Atomics.load(beats, 0)), exitCode, ...(error ? { error: error.message } : {}) } });
      }),
    );
  });
}
