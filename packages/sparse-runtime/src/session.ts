/**
 * Sessions: a loaded model bound to one backend. `createSession` prepares the model on the backend
 * once; `predict` then runs batches.
 */
import { DcError } from '@dc/core';
import type { PreparedModel, RuntimeBackend } from './backend.js';
import type { LoadedModel } from './model/loaded-model.js';
import { tokenIdCheck } from './model/token-ids.js';

/** Options of {@link createSession}. */
export interface CreateSessionOptions {
  /** The backend, created explicitly: `createCpuBackend()`, `await createTfjsBackend()`, `await createWebGpuBackend()`. */
  readonly backend: RuntimeBackend;
}

/** A model ready to run on one backend. */
export interface Session {
  /** The backend's name. */
  readonly backend: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Milliseconds the backend spent preparing the model (building sparse structures, uploads). */
  readonly prepareMs: number;
  /**
   * Runs `batchSize` samples (`batch.length === batchSize × inputSize`, NHWC row-major) and
   * returns `batchSize × outputSize` values. A model whose input is token ids (an embedding reads
   * it) refuses a value outside its table with `INVALID_OPTION`.
   */
  predict(batch: Float32Array, batchSize: number): Promise<Float32Array>;
  /** Releases the backend's buffers for this model. */
  dispose(): void;
}

/** Prepares `model` on `backend` and returns a session. */
export async function createSession(model: LoadedModel, options: CreateSessionOptions): Promise<Session> {
  const backend = options?.backend;
  if (!backend || typeof backend.prepare !== 'function') {
    throw new DcError('INVALID_OPTION', 'option "backend": pass a backend object, e.g. createCpuBackend() from @dc/sparse-runtime/cpu', { option: 'backend' });
  }
  const t0 = performance.now();
  const prepared: PreparedModel = await backend.prepare(model);
  const prepareMs = performance.now() - t0;
  let disposed = false;
  const checkTokenIds = tokenIdCheck(model.plan);
  return {
    backend: backend.name,
    inputShape: model.inputShape,
    outputShape: model.outputShape,
    prepareMs,
    async predict(batch, batchSize) {
      if (disposed) throw new DcError('INVALID_OPTION', 'predict() after dispose()', { option: 'session' });
      if (!Number.isInteger(batchSize) || batchSize < 1) {
        throw new DcError('INVALID_OPTION', `batchSize must be a positive integer, got ${batchSize}`, { option: 'batchSize' });
      }
      if (!(batch instanceof Float32Array) || batch.length !== batchSize * model.inputSize) {
        throw new DcError('INVALID_OPTION', `batch must be a Float32Array of ${batchSize} × ${model.inputSize} values, got ${batch?.length}`, { option: 'batch' });
      }
      checkTokenIds?.(batch);
      return prepared.run(batch, batchSize);
    },
    dispose() {
      if (!disposed) prepared.dispose();
      disposed = true;
    },
  };
}
