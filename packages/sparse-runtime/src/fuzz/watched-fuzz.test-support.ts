/**
 * Runs the fuzz loop (fuzz-worker.test-support.ts) in a worker thread and watches its heartbeat: a
 * case that makes no progress for `hangSeconds` is a hang (a finding the loop itself cannot
 * report), the worker is stopped and the case named with the bytes it was made of.
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

/** The worker needs tsx too: this bootstrap registers it before loading the worker's module. */
const BOOT = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./fuzz-worker.test-support.ts', import.meta.url).href)}); })`;

/** Options of {@link watchedFuzz}: those of the fuzz loop, and how long a case may make no progress. */
export interface WatchedFuzzOptions {
  readonly cases: number;
  readonly seed: number;
  readonly from?: number;
  readonly deadlineMs?: number;
  /** Seconds without a case finishing after which the case running is a hang (default 30). */
  readonly hangSeconds?: number;
  readonly onProgress?: (report: FuzzReport) => void;
}

/** Runs the cases: the final report, or after a hang the last progress report (the worker posts one before its first case) and the hang. */
export function watchedFuzz(o: WatchedFuzzOptions): Promise<{ report: FuzzReport; hang?: FuzzHang }> {
  const hangSeconds = o.hangSeconds ?? 30;
  const heartbeat = new SharedArrayBuffer(8);
  const beats = new Int32Array(heartbeat);
  const worker = new Worker(BOOT, { eval: true, execArgv: ['--conditions=source'], workerData: { cases: o.cases, seed: o.seed, from: o.from ?? 0, ...(o.deadlineMs === undefined ? {} : { deadlineMs: o.deadlineMs }), heartbeat } satisfies FuzzWorkerData });
  return new Promise((resolve, reject) => {
    let last: FuzzReport | undefined;
    let seen = -1;
    let still = 0;
    const timer = setInterval(() => {
      const count = Atomics.load(beats, 1);
      if (count === 0) return; // still building the corpus: no case has started
      still = count === seen ? still + 1 : 0;
      seen = count;
      if (still < hangSeconds) return;
      clearInterval(timer);
      const index = Atomics.load(beats, 0);
      void worker.terminate().then(() => {
        const made = caseBytes(fuzzCorpus(), o.seed, index);
        resolve({ report: last!, hang: { index, seed: made.seed, mutations: made.mutations, seconds: hangSeconds } });
      });
    }, 1000);
    worker.on('message', (m: FuzzWorkerMessage) => {
      last = m.report;
      if (m.kind === 'progress') o.onProgress?.(m.report);
      else {
        clearInterval(timer);
        void worker.terminate().then(() => resolve({ report: m.report }));
      }
    });
    worker.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
  });
}
