/**
 * `@dc/sparse-runtime/webgpu`: runs compressed models with WGSL compute programs that read
 * codebook indices and the sparse structure on the GPU. Optional peer: a WebGPU implementation
 * (a browser's `navigator.gpu`, or the `webgpu` package in Node).
 */
export { createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from './create-webgpu-backend.js';
export { packColumns, type PackedColumns } from './pack-columns.js';
