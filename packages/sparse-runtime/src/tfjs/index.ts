/**
 * `@dc/sparse-runtime/tfjs`: runs compressed models' dense reconstruction through core's
 * `toLayersModel` on the active tfjs backend (tfjs-node-gpu CUDA where installed, else tfjs-node,
 * wasm or cpu).
 */
export { createTfjsBackend, TFJS_LAYERS, type TfjsBackendOptions, type TfjsRuntimeBackend } from './tfjs-backend.js';
export { importTfjs, type Tf, type TfjsImportFailure } from './load-tfjs.js';
