/**
 * `@dc/core/tfjs`: the bridge to TensorFlow.js — IR ⇄ `LayersModel` converters, the training
 * backend choice and the tfjs training service. Requires `@tensorflow/tfjs` (optional peer).
 */
export { fromLayersModel } from './convert-from.js';
export { toLayersModel } from './convert-to.js';
export { selectTrainingBackend, type SelectedBackend, type SelectBackendOptions, type TrainingBackendName } from './backend.js';
export { createTfjsTrainer, evaluateLayersModel, type TfjsTrainerOptions } from './trainer.js';
export { variablesByKey } from './variables.js';
export { registerWasmTrainingKernels, type WasmTrainingKernels, type WasmTrainingKernelsOptions } from './wasm-kernels/index.js';
