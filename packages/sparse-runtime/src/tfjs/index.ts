/**
 * `@dc/sparse-runtime/tfjs`: runs compressed models through TensorFlow.js ops on the active tfjs
 * backend (tfjs-node-gpu CUDA where installed, else tfjs-node, wasm or cpu).
 */
export { createTfjsBackend, type TfjsBackendOptions, type TfjsRuntimeBackend } from './tfjs-backend.js';
export { importTfjs, type Tf, type TfjsImportFailure } from './load-tfjs.js';
export type { TfjsDenseMode } from './layers.js';
