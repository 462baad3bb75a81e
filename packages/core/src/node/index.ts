/** `@dc/core/node`: Node-only helpers (file system, worker threads). The main `@dc/core` entry stays browser-safe. */
export { writeFileAtomic } from './write-file-atomic.js';
export { siblingModule, startNodeWorker } from './start-node-worker.js';
