/**
 * `@dc/sparse-runtime/cpu`: the CPU backend, TypeScript kernels over the compressed form
 * (sparse rows + codebook), with no dependencies.
 */
export { createCpuBackend, type CpuBackendOptions, type CpuBatchKernel } from './cpu-backend.js';
