/**
 * `@dc/sparse-runtime/bench`: the runtime benchmark (cpu backend vs dense tfjs-wasm, side by side)
 * and its table printer. Needs `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm`.
 */
export { runRuntimeBench, type RuntimeBenchOptions, type RuntimeBenchResult, type RuntimeBenchRow } from './run-runtime-bench.js';
export { formatRuntimeBench } from './format.js';
export { activationMemory, type ActivationMemoryRow } from './activation-memory.js';
export { timeInterleaved, median, type Timed } from './timing.js';
