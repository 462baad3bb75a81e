/**
 * Starts one cpu worker thread: `node:worker_threads` in Node, a module `Worker` in browsers
 * (bundlers follow the `new URL('./cpu-worker.js', import.meta.url)` pattern). Nothing is
 * imported at module load, so this file is safe in every environment.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.js';

/** A started worker. */
export interface WorkerHandle {
  post(message: ToWorker): void;
  terminate(): void;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** The ESM entry of a package, as `import` resolves it from `parent`. */
async function resolveEsm(specifier: string, parent: string): Promise<string> {
  const meta = import.meta as ImportMeta & { resolve?: (s: string) => string };
  if (typeof meta.resolve === 'function') return meta.resolve(specifier);
  // vitest's module runner has no import.meta.resolve; its require resolution picks the ESM file.
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  return pathToFileURL(createRequire(parent).resolve(specifier)).href;
}

/**
 * A Node worker on the built JavaScript; when running from the TypeScript sources (vitest, tsx),
 * a worker that first registers the workspace's TypeScript loader (tsx) and resolves workspace
 * packages to their sources, as the tests do.
 */
async function startNodeWorker(): Promise<NodeWorker> {
  const { Worker } = await import('node:worker_threads');
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./cpu-worker.js', self));
  const tsx = await resolveEsm('tsx/esm/api', self);
  const entry = new URL('./cpu-worker.ts', self).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, execArgv: ['--conditions=source'] });
}

/**
 * Starts a worker; `onMessage` receives its messages, `onFailure` a crash or exit. An idle Node
 * worker does not keep the process alive (`unref`: an undisposed session does not hang the
 * program); one with a request in flight does (every request gets exactly one answer).
 */
export async function spawnWorker(onMessage: (m: FromWorker) => void, onFailure: (error: Error) => void): Promise<WorkerHandle> {
  if (isNode) {
    const worker = await startNodeWorker();
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
