/**
 * Data-parallel gradients: the calling thread and `workers` worker threads (Node), each with its
 * own copy of the model on its own tfjs backend, share every batch by rows. Per step the calling
 * thread publishes the current variable values and each worker's rows in shared memory, computes
 * its own rows' gradients meanwhile, waits (`Atomics.wait`), and adds the workers' gradients. Each
 * side's loss is its mean times its share of the rows, so the sum is the mean over the whole
 * batch and so are the summed gradients. The optimizer, the gradient hooks and the weight
 * constraints stay on the calling thread, unchanged.
 */
import type { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../../errors/dc-error.js';
import type { Model } from '../../ir/model.js';
import type { BatchNormMode } from '../batch-norm-mode.js';
import type { Objective } from '../objective.js';
import type { GradientWorkerInit } from './gradient-worker.js';
import { controlBlock, DONE, readFailure, regions, ROWS, SEQ, STOP, TOTAL, waitForValue, type StepLayout } from './shared-step.js';

/** Gradients of `vars` (by variable name) and the mean loss of a batch. */
export interface Gradients {
  readonly value: tf.Scalar;
  readonly grads: tf.NamedTensorMap;
}

/** The running workers. */
export interface GradientWorkers {
  /**
   * Shares the batch `x`, `y` (rows first) with the workers; `local(x, y, share)` computes the
   * calling thread's rows (its loss scaled by `share`). Call inside `tf.tidy`; synchronous.
   */
  computeGradients(x: tf.Tensor, y: tf.Tensor, local: (x: tf.Tensor, y: tf.Tensor, share: number) => Gradients): Gradients;
  /** Stops the workers. */
  dispose(): void;
  /** The worker threads (to watch them; stopping one makes the next step fail with an error). */
  readonly threads: readonly Worker[];
}

/** Options of {@link startGradientWorkers}. */
export interface GradientWorkersOptions {
  readonly tf: typeof tf;
  readonly model: Model;
  readonly objective: Objective;
  readonly batchNorm: BatchNormMode;
  /** Every variable by key (`variablesByKey`), and the keys of those trained. */
  readonly vars: Readonly<Record<string, tf.Variable>>;
  readonly trainable: readonly string[];
  /** A batch (the first): the shape of a row and the dtype of the inputs and targets. */
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
  readonly batchSize: number;
  readonly workers: number;
  /**
   * How long a step waits for a worker before it fails: by default {@link PATIENCE_MS} plus 50
   * times what the calling thread took for its own rows of that step.
   */
  readonly patienceMs?: number;
}

/**
 * A step's wait for a worker thread is bounded: a worker that died (out of memory, killed) sends
 * no event the blocked calling thread could see, so without a bound the step would wait forever.
 */
export const PATIENCE_MS = 60_000;

const fail = (message: string, cause?: unknown) =>
  new DcError('BACKEND_UNAVAILABLE', `training worker thread: ${message}`, { cause, hint: 'Train with threads: 1.' });

/** Starts the workers and waits until each has built its model. */
export async function startGradientWorkers(o: GradientWorkersOptions): Promise<GradientWorkers> {
  const { siblingModule, startNodeWorker } = await import('../../node/start-node-worker.js');
  const keys = Object.keys(o.vars);
  const layout: StepLayout = {
    keys,
    shapes: keys.map((k) => o.vars[k].shape),
    trainable: o.trainable.map((k) => keys.indexOf(k)),
    xRow: o.xs.shape.slice(1),
    xDtype: o.xs.dtype,
    yRow: o.ys.shape.slice(1),
    yDtype: o.ys.dtype,
    // A dataset's batches may be larger than the trainer's batchSize: room for the larger.
    maxRows: Math.ceil(Math.max(o.batchSize, o.xs.shape[0]) / (o.workers + 1)),
  };
  const r = regions(layout);
  const weights = new SharedArrayBuffer(r.weightsLength * 4);
  const weightsView = new Float32Array(weights);
  const started: { worker: Worker; control: Int32Array; controlBuffer: SharedArrayBuffer; data: Float32Array; exit?: string }[] = [];
  try {
    for (let w = 0; w < o.workers; w++) {
      const worker = await startNodeWorker(siblingModule('gradient-worker', import.meta.url));
      const controlBuffer = controlBlock();
      const data = new SharedArrayBuffer(r.length * 4);
      const entry: (typeof started)[number] = { worker, control: new Int32Array(controlBuffer), controlBuffer, data: new Float32Array(data) };
      // Seen between steps (the event loop runs then), so the next step fails at once.
      worker.once('error', (e) => (entry.exit ??= e.message));
      worker.once('exit', (code) => (entry.exit ??= `exited with code ${code}`));
      started.push(entry);
      const backend = o.tf.getBackend() as GradientWorkerInit['backend'];
      const init: GradientWorkerInit = { model: o.model, objective: o.objective, batchNorm: o.batchNorm, backend, layout, weights, data, control: controlBuffer };
      const ready = new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { ready: boolean; message?: string }) => (m.ready ? resolve() : reject(fail(m.message ?? 'did not start'))));
        worker.once('error', (e) => reject(fail(e.message, e)));
      });
      worker.postMessage(init);
      await ready;
    }
  } catch (e) {
    for (const s of started) void s.worker.terminate();
    throw e;
  }
  const tfjs = o.tf;
  return {
    computeGradients(x, y, local) {
      const n = x.shape[0];
      const sameRows = (t: tf.Tensor, row: readonly number[]) => t.shape.length === row.length + 1 && row.every((d, i) => t.shape[i + 1] === d);
      const parts = started.length + 1;
      // A batch of another row shape (a ragged dataset), or too large for the shared blocks, runs here alone.
      if (!sameRows(x, layout.xRow) || !sameRows(y, layout.yRow) || n > parts * layout.maxRows) return local(x, y, 1);
      const gone = started.find((s) => s.exit !== undefined);
      if (gone) throw fail(`${gone.exit} before a step`);
      const own = Math.min(n, layout.maxRows, Math.ceil(n / parts));
      keys.forEach((k, i) => weightsView.set(o.vars[k].dataSync() as Float32Array, r.weightOffsets[i]));
      const xs = x.dataSync();
      const ys = y.dataSync();
      const asked: { s: (typeof started)[number]; seq: number }[] = [];
      for (let start = own, w = 0; start < n && w < started.length; w++) {
        const rows = Math.min(Math.ceil((n - own) / started.length), n - start);
        const s = started[w];
        s.data.set(xs.subarray(start * r.inputSize, (start + rows) * r.inputSize), r.x);
        s.data.set(ys.subarray(start * r.targetSize, (start + rows) * r.targetSize), r.y);
        s.control[ROWS] = rows;
        s.control[TOTAL] = n;
        const seq = Atomics.add(s.control, SEQ, 1) + 1;
        Atomics.notify(s.control, SEQ);
        asked.push({ s, seq });
        start += rows;
      }
      const t0 = performance.now();
      const mine = local(tfjs.slice(x, 0, own), tfjs.slice(y, 0, own), own / n);
      const patience = o.patienceMs ?? PATIENCE_MS + 50 * (performance.now() - t0);
      let value = mine.value;
      const grads = { ...mine.grads };
      for (const { s, seq } of asked) {
        if (!waitForValue(s.control, DONE, seq, patience)) {
          throw fail(`no gradients after ${(patience / 1000).toFixed(1)} s: the thread died (out of memory?) or hangs`);
        }
        const failure = readFailure(s.controlBuffer);
        if (failure) throw fail(failure);
        layout.trainable.forEach((vi, i) => {
          const v = o.vars[keys[vi]];
          grads[v.name] = tfjs.add(grads[v.name], tfjs.tensor(s.data.slice(r.grads[i], r.grads[i] + r.weights[vi]), v.shape));
        });
        value = tfjs.add(value, s.data[r.loss]);
      }
      return { value, grads };
    },
    dispose() {
      for (const s of started) {
        Atomics.store(s.control, SEQ, STOP);
        Atomics.notify(s.control, SEQ);
        void s.worker.terminate();
      }
      started.length = 0;
    },
    get threads() {
      return started.map((s) => s.worker);
    },
  };
}
