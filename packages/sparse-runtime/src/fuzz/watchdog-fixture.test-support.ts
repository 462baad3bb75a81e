/**
 * A stand-in for the fuzz worker in the watchdog's own test (watched-fuzz.test.ts): it speaks the
 * worker's protocol (a progress report before the first case, the heartbeat before each) and, at
 * case 2, misbehaves as its seed says: 1 calls `process.exit(3)`, 2 never returns, 3 throws past
 * the loop, 4 ends before any case; other seeds finish every case.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FuzzWorkerData, FuzzWorkerMessage } from './fuzz-worker.test-support.js';
import type { FuzzReport } from './run-fuzz.test-support.js';

const data = workerData as FuzzWorkerData;
const heartbeat = new Int32Array(data.heartbeat);
const report = (cases: number): FuzzReport => ({
  seed: data.seed,
  cases,
  seeds: [],
  outcomes: {},
  findings: [],
  findingCount: 0,
  slowest: { index: -1, cpuMs: 0, ms: 0, outcome: '', seed: '', mutations: [] },
  over1s: 0,
  maxWallMs: 0,
  wallMs: 0,
  peakRssMiB: 0,
});
const post = (kind: FuzzWorkerMessage['kind'], cases: number) => parentPort!.postMessage({ kind, report: report(cases) } satisfies FuzzWorkerMessage);

if (data.seed === 4) process.exit(5);
post('progress', 0);
for (let i = data.from; i < data.from + data.cases; i++) {
  Atomics.store(heartbeat, 0, i);
  Atomics.add(heartbeat, 1, 1);
  if (i === 2 && data.seed === 1) process.exit(3);
  if (i === 2 && data.seed === 2) for (;;) Atomics.wait(heartbeat, 0, i, 1000);
  if (i === 2 && data.seed === 3) throw new RangeError('a reader threw past the fuzz loop');
}
post('done', data.cases);
