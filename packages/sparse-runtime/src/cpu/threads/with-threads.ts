/** The `threads` option of the cpu backend: how many threads, and wrapping a prepared model. */
import { DcError } from '@dc/core';
import type { PreparedModel } from '../../backend.js';
import type { LoadedModel } from '../../model/loaded-model.js';
import { createThreadedModel } from './threaded-model.js';

/** Threads for inference: a count (1 = the calling thread only) or `'auto'` (one per CPU core). */
export type CpuThreads = number | 'auto';

/** Throws `INVALID_OPTION` unless `threads` is a positive integer or `'auto'`. */
export function checkThreads(threads: CpuThreads, minBatch: number): void {
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1)) {
    throw new DcError('INVALID_OPTION', `option "threads": expected a positive integer or 'auto', got ${String(threads)}`, { option: 'threads' });
  }
  if (!(Number.isInteger(minBatch) && minBatch >= 2)) {
    throw new DcError('INVALID_OPTION', `option "threadMinBatch": expected an integer ≥ 2, got ${String(minBatch)}`, { option: 'threadMinBatch' });
  }
}

/** The number of CPU cores this program may use (Node: `os.availableParallelism()`; browsers: `navigator.hardwareConcurrency`). */
export async function cpuCores(): Promise<number> {
  if (typeof process !== 'undefined' && process.versions?.node) {
    const os = await import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/**
 * `local` as is for one thread, else a model that shares large batches with `threads − 1` worker
 * threads. With `'auto'`, a machine with one core or an environment where workers cannot start
 * gets `local`; an explicit count that cannot start its workers throws `BACKEND_UNAVAILABLE`.
 */
export async function withThreads(
  local: PreparedModel,
  model: LoadedModel,
  o: { readonly threads: CpuThreads; readonly threadMinBatch: number; readonly threadSplit?: 'auto' | 'always'; readonly batchKernel?: string; readonly wasmMinBatch?: number },
): Promise<PreparedModel> {
  const threads = o.threads === 'auto' ? await cpuCores() : o.threads;
  if (threads <= 1) return local;
  try {
    return await createThreadedModel({
      local,
      model: model.compressed,
      planOptions: { foldBatchNorm: model.foldBatchNorm, fuseActivations: model.fuseActivations },
      inputSize: model.inputSize,
      outputSize: model.outputSize,
      workers: threads - 1,
      minBatch: o.threadMinBatch,
      split: o.threadSplit ?? 'auto',
      backendOptions: { batchKernel: o.batchKernel, wasmMinBatch: o.wasmMinBatch },
    });
  } catch (e) {
    if (o.threads === 'auto') return local;
    throw e;
  }
}
