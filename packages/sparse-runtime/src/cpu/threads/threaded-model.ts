/**
 * A prepared model that splits large batches across worker threads. Each worker holds its own
 * prepared copy of the model, sent once (the decoded compressed tensors); every run shares its
 * batch by samples (not by layer, so any model the executor runs works): the calling thread
 * computes the first part while the workers compute the rest. Inputs and outputs travel through
 * `SharedArrayBuffer` where the environment allows it (Node; cross-origin isolated pages), kept
 * from run to run (`shared-buffers.ts`), else as copies. Small batches stay on the calling thread,
 * and so do larger ones where the model's own runs showed that splitting is slower
 * (`split-chooser.ts`).
 */
import { DcError, type CompressedModel } from '@dc/core';
import type { PreparedModel } from '../../backend.js';
import type { PlanOptions } from '../../model/plan.js';
import type { FromWorker } from './protocol.js';
import { SharedBuffers } from './shared-buffers.js';
import { SplitChooser, type SplitPath } from './split-chooser.js';
import { spawnWorker, type WorkerHandle } from './spawn-worker.js';
import { splitBatch } from './split-batch.js';

/** What {@link createThreadedModel} needs. */
export interface ThreadedModelOptions {
  /** The model as prepared on the calling thread (also runs small batches). */
  readonly local: PreparedModel;
  /** The decoded model to send to the workers. */
  readonly model: CompressedModel;
  /** How the workers plan the model (as the calling thread did). */
  readonly planOptions: Required<PlanOptions>;
  readonly inputSize: number;
  readonly outputSize: number;
  /** Worker threads to start (threads − 1: the calling thread computes too). */
  readonly workers: number;
  /** Smallest batch that is split. */
  readonly minBatch: number;
  /** `auto`: split a batch of `minBatch` or more when measured faster (`SplitChooser`); `always`: split every such batch. */
  readonly split: 'auto' | 'always';
  /** Options for the workers' cpu backends. */
  readonly backendOptions: { readonly batchKernel?: string; readonly wasmMinBatch?: number };
}

const canShare = (): boolean =>
  typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;

function workerError(message: string, cause?: unknown): DcError {
  return new DcError('BACKEND_UNAVAILABLE', `cpu worker thread: ${message}`, {
    cause,
    hint: 'Run with threads: 1 (the calling thread only), or check that this environment allows workers.',
  });
}

/** Starts the workers, prepares the model in each, and returns the threaded prepared model. */
export async function createThreadedModel(o: ThreadedModelOptions): Promise<PreparedModel> {
  const pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const failAll = (e: Error) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const onMessage = (m: FromWorker) => {
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return m.type === 'error' ? failAll(workerError(m.message)) : undefined;
    pending.delete(m.id!);
    if (m.type === 'error') p.reject(workerError(m.message));
    else p.resolve(m);
  };
  const workers: WorkerHandle[] = [];
  const request = <T extends FromWorker>(worker: WorkerHandle, message: (id: number) => Parameters<WorkerHandle['post']>[0]) =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (m: FromWorker) => void, reject });
      worker.post(message(id));
    });
  try {
    for (let i = 0; i < o.workers; i++) workers.push(await spawnWorker(onMessage, (e) => failAll(workerError(e.message, e))));
    await Promise.all(workers.map((w) => request(w, (id) => ({ type: 'prepare', id, model: o.model, planOptions: o.planOptions, options: o.backendOptions }))));
  } catch (e) {
    for (const w of workers) w.terminate();
    throw e instanceof DcError ? e : workerError(e instanceof Error ? e.message : String(e), e);
  }

  let buffers: SharedBuffers | undefined;
  const chooser = new SplitChooser();
  // Runs in progress, and runs started so far: a run that overlapped another is not timed.
  let active = 0;
  let started = 0;
  const timed = async (batch: number, path: SplitPath, run: () => Promise<Float32Array>): Promise<Float32Array> => {
    const first = ++started;
    const alone = ++active === 1;
    const t0 = performance.now();
    try {
      const y = await run();
      if (alone && started === first) chooser.record(batch, path, performance.now() - t0);
      return y;
    } finally {
      active--;
    }
  };
  const splitRun = async (input: Float32Array, batch: number, parts: ReturnType<typeof splitBatch>): Promise<Float32Array> => {
    const { inputSize: I, outputSize: O } = o;
    const shared = canShare() ? (buffers ??= new SharedBuffers()).acquire(input.length, batch * O) : undefined;
    try {
      shared?.x.set(input);
      const y = shared ? shared.y : new Float32Array(batch * O);
      const remote = parts.slice(1).map((p, i) =>
        request<Extract<FromWorker, { type: 'done' }>>(workers[i], (id) => ({
          type: 'run',
          id,
          batch: p.count,
          // A view of shared memory travels as a view; anything else is cloned, so send only the part.
          input: shared ? shared.x.subarray(p.start * I, (p.start + p.count) * I) : input.slice(p.start * I, (p.start + p.count) * I),
          ...(shared ? { output: y.subarray(p.start * O, (p.start + p.count) * O) } : {}),
        })).then((m) => {
          if (m.output) y.set(m.output, p.start * O);
        }),
      );
      try {
        y.set(await o.local.run(input.subarray(0, parts[0].count * I), parts[0].count), 0);
      } finally {
        await Promise.allSettled(remote);
      }
      await Promise.all(remote);
      if (!shared) return y;
      // The caller gets memory of its own (not the shared buffer, which the next run reuses).
      const out = new Float32Array(y.length);
      out.set(y);
      return out;
    } finally {
      shared?.release();
    }
  };
  return {
    async run(input, batch) {
      if (failure) throw failure;
      const parts = batch >= o.minBatch ? splitBatch(batch, workers.length + 1) : [];
      if (parts.length < 2) return o.local.run(input, batch);
      if (o.split === 'always') return splitRun(input, batch, parts);
      const path = chooser.choose(batch);
      return timed(batch, path, () => (path === 'split' ? splitRun(input, batch, parts) : o.local.run(input, batch)));
    },
    dispose() {
      o.local.dispose();
      for (const w of workers) w.terminate();
      failAll(workerError('disposed'));
    },
  };
}
