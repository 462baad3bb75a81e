/**
 * `@dc/sparse-runtime/cpu`: the CPU backend, TypeScript kernels over the compressed form
 * (sparse rows + codebook), with no dependencies.
 */
export { createCpuBackend, type CpuBackendOptions, type CpuBatchKernel } from './cpu-backend.js';
export { cpuActivationBytes, CHUNK_SAMPLES } from './batch-chunks.js';
export { CPU_KERNELS, type CpuKernelFactory } from './kernel-map.js';
export type { CpuKernel } from './graph-executor.js';
