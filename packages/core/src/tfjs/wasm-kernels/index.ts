/**
 * Training kernels for `@tensorflow/tfjs-backend-wasm`: what convnet training needs and the wasm
 * backend lacks, plus optional faster replacements of its slow gradient kernels.
 */
export { registerWasmTrainingKernels, type WasmTrainingKernels, type WasmTrainingKernelsOptions } from './register.js';
export { createAdamOptimizer } from './fused-adam.js';
