/**
 * The entry of a gradient worker thread (data-parallel training): it builds its own copy of the
 * model on its own tfjs backend, then for every request reads the current variable values and
 * its rows of the batch from shared memory, computes the gradients of its share of the mean loss
 * and writes them back. It blocks on `Atomics.wait` between requests.
 */
import { parentPort } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import type { Model } from '../../ir/model.js';
import { selectTrainingBackend, type TrainingBackendName } from '../backend.js';
import type { BatchNormMode } from '../batch-norm-mode.js';
import { lossPerExample, type Objective } from '../objective.js';
import { trainingLayersModel } from '../training-model.js';
import { variablesByKey } from '../variables.js';
import { DONE, ROWS, SEQ, STOP, TOTAL, regions, writeFailure, type StepLayout } from './shared-step.js';

/** The message that starts a worker. */
export interface GradientWorkerInit {
  readonly model: Model;
  readonly objective: Objective;
  readonly batchNorm: BatchNormMode;
  readonly backend: TrainingBackendName;
  readonly layout: StepLayout;
  readonly weights: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
}

/** Builds the worker's model; returns the request loop. */
function prepare(tfjs: typeof tf, init: GradientWorkerInit): () => void {
  const { layout } = init;
  const r = regions(layout);
  const weights = new Float32Array(init.weights);
  const data = new Float32Array(init.data);
  const control = new Int32Array(init.control);
  const lm = trainingLayersModel(tfjs, init.model, init.batchNorm);
  const rowsOf = (at: number, rows: number, row: readonly number[], n: number, dtype: string) => {
    const t = tfjs.tensor(data.slice(at, at + rows * n), [rows, ...row]);
    return dtype === 'float32' ? t : tfjs.cast(t, dtype as tf.DataType);
  };
  const byKey = variablesByKey(lm);
  const vars = layout.keys.map((k) => byKey[k]);
  const trainable = layout.trainable.map((i) => vars[i]);
  return () => {
  let last = 0;
  for (;;) {
    Atomics.wait(control, SEQ, last);
    const seq = Atomics.load(control, SEQ);
    if (seq === STOP) return;
    last = seq;
    try {
      const rows = control[ROWS];
      const scale = rows / control[TOTAL];
      tfjs.tidy(() => {
        vars.forEach((v, i) => v.assign(tfjs.tensor(weights.slice(r.weightOffsets[i], r.weightOffsets[i] + r.weights[i]), v.shape)));
        const x = rowsOf(r.x, rows, layout.xRow, r.inputSize, layout.xDtype);
        const y = rowsOf(r.y, rows, layout.yRow, r.targetSize, layout.yDtype);
        const loss = () => tfjs.mul(tfjs.mean(lossPerExample(tfjs, init.objective, lm.apply(x, { training: true }) as tf.Tensor, y)), scale) as tf.Scalar;
        const { value, grads } = tfjs.variableGrads(loss, trainable);
        trainable.forEach((v, i) => data.set(grads[v.name].dataSync(), r.grads[i]));
        data[r.loss] = value.dataSync()[0];
      });
    } catch (e) {
      writeFailure(init.control, e instanceof Error ? e.message : String(e));
    }
    Atomics.store(control, DONE, seq);
    Atomics.notify(control, DONE);
  }
  };
}

parentPort?.once('message', (init: GradientWorkerInit) => {
  selectTrainingBackend({ prefer: [init.backend], replaceSlowWasmKernels: true, replaceSlowGradients: true })
    .then(({ tf: tfjs }) => {
      // This thread's tfjs is its own module instance: its advice (the cpu backend's banner
      // recommending tfjs-node) would repeat, once per worker, what the calling thread's tfjs says
      // or was told not to. Production mode silences exactly that; failures are still reported.
      tfjs.enableProdMode();
      const serve = prepare(tfjs, init);
      parentPort?.postMessage({ ready: true });
      serve();
    })
    .catch((e: unknown) => parentPort?.postMessage({ ready: false, message: e instanceof Error ? e.message : String(e) }));
});
