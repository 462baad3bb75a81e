/**
 * `@dc/core/tfjs`: the bridge to TensorFlow.js — IR ⇄ `LayersModel` converters, the training
 * backend choice and the tfjs training service. Requires `@tensorflow/tfjs` (optional peer).
 */
export { fromLayersModel } from './convert-from.js';
export { toLayersModel } from './convert-to.js';
export { importTfjs, importTfjsPackage, activateTfBackend, TFJS_PACKAGES, type ImportedTfjs, type TfjsImportFailure } from './load-tfjs.js';
export { selectTrainingBackend, type SelectedBackend, type SelectBackendOptions, type TrainingBackendName } from './backend.js';
export { createTfjsTrainer, evaluateLayersModel, type TfjsTrainerOptions } from './trainer.js';
export { variablesByKey } from './variables.js';
export { registerWasmTrainingKernels, type WasmTrainingKernels, type WasmTrainingKernelsOptions } from './wasm-kernels/index.js';
// The tfjs types of the training contract (and their augmentation of `TrainingTypes`).
export type { Tfjs, TfTensor, TfVariable } from '../training/index.js';
