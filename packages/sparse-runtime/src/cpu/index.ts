/**
 * `@dc/sparse-runtime/cpu`: the CPU backend, TypeScript kernels over the compressed form
 * (sparse rows + codebook), with no dependencies.
 */
export { createCpuBackend, type CpuBackendOptions, type CpuBatchKernel } from './cpu-backend.js';
export { cpuActivationBytes, CHUNK_SAMPLES } from './batch-chunks.js';
