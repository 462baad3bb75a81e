/**
 * The entry of a cpu worker thread (Node `worker_threads` or a browser module Worker): it prepares
 * the model it is sent on a single-threaded cpu backend, runs it a few times on a group of 16
 * samples (its code is cold: V8 compiles JavaScript and WASM to fast code only as it runs, and
 * the calling thread's choice between splitting a batch and not compares times), and then runs
 * the batches it is given.
 */
import { isDcError } from '@dc/core';
import type { PreparedModel } from '../../backend.js';
import { loadCompressedModel } from '../../model/load.js';
import { createCpuBackend } from '../cpu-backend.js';
import type { FromWorker, ToWorker } from './protocol.js';

interface Port {
  post(message: FromWorker, transfer?: Transferable[]): void;
  listen(handler: (message: ToWorker) => void): void;
}

async function connect(): Promise<Port> {
  if (typeof process !== 'undefined' && process.versions?.node) {
    const { parentPort } = await import('node:worker_threads');
    if (!parentPort) throw new Error('cpu-worker must run in a worker thread');
    return { post: (m, t) => parentPort.postMessage(m, t as never), listen: (h) => parentPort.on('message', h) };
  }
  const scope = globalThis as unknown as { postMessage(m: unknown, t?: Transferable[]): void; onmessage: ((e: MessageEvent) => void) | null };
  return { post: (m, t) => scope.postMessage(m, t), listen: (h) => (scope.onmessage = (e) => h(e.data as ToWorker)) };
}

const port = await connect();
let prepared: PreparedModel | undefined;

/** Runs of {@link warmUp}, measured enough for the kernels' fast code on the examples. */
const WARM_RUNS = 4;

/** Runs `model` on 16 samples of 0.5 a few times (sample lanes: the kernels a split batch runs). */
async function warmUp(model: PreparedModel, inputSize: number): Promise<void> {
  const x = new Float32Array(16 * inputSize).fill(0.5);
  for (let i = 0; i < WARM_RUNS; i++) await model.run(x, 16);
}

function fail(error: unknown, id?: number): void {
  port.post({ type: 'error', id, message: error instanceof Error ? error.message : String(error), code: isDcError(error) ? error.code : undefined });
}

port.listen((message) => {
  if (message.type === 'prepare') {
    loadCompressedModel(message.model, message.planOptions)
      .then(async (model) => {
        const p = await createCpuBackend({ ...(message.options as object), threads: 1 }).prepare(model);
        await warmUp(p, model.inputSize);
        prepared = p;
        port.post({ type: 'ready', id: message.id });
      })
      .catch((e: unknown) => fail(e, message.id));
    return;
  }
  const { id, batch, input, output } = message;
  if (!prepared) return fail(new Error('run before prepare'), id);
  prepared
    .run(input, batch)
    .then((y) => {
      if (output) {
        output.set(y);
        port.post({ type: 'done', id });
      } else {
        port.post({ type: 'done', id, output: y }, [y.buffer]);
      }
    })
    .catch((e: unknown) => fail(e, id));
});
