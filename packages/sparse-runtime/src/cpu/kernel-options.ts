/** The kernel choices of the cpu backend (no imports: public types stay free of WebAssembly's). */

/** How dense layers run batches larger than one. */
export type CpuBatchKernel = 'auto' | 'per-sample' | 'tiled' | 'wasm';

/** The kernel options a prepared model uses (the cpu backend's options, defaults applied). */
export interface CpuKernelOptions {
  readonly batchKernel: CpuBatchKernel;
  readonly wasmMinBatch: number;
}
