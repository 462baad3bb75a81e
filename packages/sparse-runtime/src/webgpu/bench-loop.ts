/**
 * The measuring loop shared by the Node benchmark and the browser page: runs a prepared model on
 * one fixed random batch until `minMs` has passed (after one warm-up run) and reports samples/s.
 */
import type { PreparedModel } from '../backend.js';

/** One throughput figure. */
export interface ThroughputResult {
  readonly batch: number;
  readonly runs: number;
  /** Mean milliseconds per `run` call (upload, dispatches, read-back). */
  readonly msPerBatch: number;
  readonly samplesPerSecond: number;
}

/** Measures `prepared` at `batch` samples per call for at least `minMs` milliseconds. */
export async function benchPrepared(prepared: PreparedModel, inputSize: number, batch: number, minMs = 1000): Promise<ThroughputResult> {
  const input = new Float32Array(batch * inputSize);
  let s = 12345;
  for (let i = 0; i < input.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    input[i] = (s >>> 8) / 2 ** 24;
  }
  await prepared.run(input, batch);
  let runs = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    await prepared.run(input, batch);
    runs++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  const msPerBatch = elapsed / runs;
  return { batch, runs, msPerBatch, samplesPerSecond: (batch * 1000) / msPerBatch };
}
