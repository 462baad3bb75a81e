/** Messages between the calling thread and a cpu worker thread (structured-cloned). */
import type { CompressedModel } from '@dc/core';
import type { PlanOptions } from '../../model/plan.js';

/** Calling thread → worker. */
export type ToWorker =
  /** Prepare the model once (the worker keeps it for every run). */
  | { readonly type: 'prepare'; readonly id: number; readonly model: CompressedModel; readonly planOptions: Required<PlanOptions>; readonly options: { readonly batchKernel?: string; readonly wasmMinBatch?: number } }
  /**
   * Run `batch` samples. `input` is a view of shared memory or a copy; with `output` (a view of
   * shared memory) the worker writes the result there, else it sends the result back.
   */
  | { readonly type: 'run'; readonly id: number; readonly batch: number; readonly input: Float32Array; readonly output?: Float32Array };

/** Worker → calling thread. */
export type FromWorker =
  | { readonly type: 'ready'; readonly id: number }
  | { readonly type: 'done'; readonly id: number; readonly output?: Float32Array }
  | { readonly type: 'error'; readonly id?: number; readonly message: string; readonly code?: string };
