/**
 * Starts one cpu worker thread: `node:worker_threads` in Node, a module `Worker` in browsers
 * (bundlers follow the `new URL('./cpu-worker.js', import.meta.url)` pattern). Nothing is
 * imported at module load, so this file is safe in every environment.
 */
import type * as NodeHelpers from '@dc/core/node';
import type { FromWorker, ToWorker } from './protocol.js';

/** A started worker. */
export interface WorkerHandle {
  post(message: ToWorker): void;
  terminate(): void;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/**
 * Starts a worker; `onMessage` receives its messages, `onFailure` a crash or exit. An idle Node
 * worker does not keep the process alive (`unref`: an undisposed session does not hang the
 * program); one with a request in flight does (every request gets exactly one answer).
 */
export async function spawnWorker(onMessage: (m: FromWorker) => void, onFailure: (error: Error) => void): Promise<WorkerHandle> {
  if (isNode) {
    // A variable specifier: browser bundles must not follow this Node-only import.
    const nodeHelpers = '@dc/core/node';
    const { siblingModule, startNodeWorker } = (await import(/* @vite-ignore */ nodeHelpers)) as typeof NodeHelpers;
    const worker = await startNodeWorker(siblingModule('cpu-worker', import.meta.url));
    let inFlight = 0;
    worker.unref();
    worker.on('message', (m: FromWorker) => {
      if (--inFlight === 0) worker.unref();
      onMessage(m);
    });
    worker.on('error', onFailure);
    worker.on('exit', (code) => onFailure(new Error(`worker exited with code ${code}`)));
    return {
      post(m) {
        if (inFlight++ === 0) worker.ref();
        worker.postMessage(m);
      },
      terminate: () => void worker.terminate(),
    };
  }
  if (typeof Worker === 'undefined') throw new Error('this environment has no Worker');
  const worker = new Worker(new URL('./cpu-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent) => onMessage(e.data as FromWorker);
  worker.onerror = (e: ErrorEvent) => onFailure(new Error(e.message));
  return { post: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
}
