/**
 * The fuzz loop in a worker thread, so that `watchedFuzz` (watched-fuzz.test-support.ts) can stop a case that never
 * returns (a reader looping forever on a forged file cannot be timed from its own thread).
 * Before each case it stores the case index in `heartbeat[0]` and bumps `heartbeat[1]`; it posts
 * each progress report and, at the end, the whole report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runFuzz, type FuzzReport } from './run-fuzz.test-support.js';

/** What `watchedFuzz` hands the worker. */
export interface FuzzWorkerData {
  readonly cases: number;
  readonly seed: number;
  readonly from: number;
  readonly deadlineMs?: number;
  readonly heartbeat: SharedArrayBuffer;
}

/** What the worker posts: a progress report every 5,000 cases, then the final one. */
export type FuzzWorkerMessage = { readonly kind: 'progress' | 'done'; readonly report: FuzzReport };

const data = workerData as FuzzWorkerData;
const heartbeat = new Int32Array(data.heartbeat);
const post = (kind: FuzzWorkerMessage['kind'], report: FuzzReport) => parentPort!.postMessage({ kind, report } satisfies FuzzWorkerMessage);
const report = await runFuzz({
  cases: data.cases,
  seed: data.seed,
  from: data.from,
  ...(data.deadlineMs === undefined ? {} : { deadlineMs: data.deadlineMs }),
  progressEvery: 5000,
  onCase: (i) => {
    Atomics.store(heartbeat, 0, i);
    Atomics.add(heartbeat, 1, 1);
  },
  onProgress: (_, r) => post('progress', r),
});
post('done', report);
