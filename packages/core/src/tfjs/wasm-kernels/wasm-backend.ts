import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../../errors/dc-error.js';

/** The tfjs namespace our kernels are registered with. */
export type Tfjs = typeof tf;

/** What a tensor looks like inside a kernel. */
export type TensorInfo = tf.TensorInfo;

/**
 * The part of `@tensorflow/tfjs-backend-wasm`'s `BackendWasm` that our kernels use: typed views
 * of tensors that live on the WASM heap, and heap allocation for outputs. Kept structural so that
 * this module does not need the wasm package's types.
 */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Arguments tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackend;
  attrs?: Record<string, unknown>;
}

/** A kernel implementation for the wasm backend. */
export type WasmKernelFunc = (args: KernelArgs) => TensorInfo;

/** The backend name our kernels are registered for. */
export const WASM = 'wasm';

/** A float32 view of a heap tensor (throws on other dtypes). */
export function f32(backend: WasmBackend, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) throw new DcError('UNSUPPORTED_DTYPE', `the wasm training kernels need float32 tensors, got ${info.dtype}`);
  return view;
}

/** The same heap data under another shape (a free reshape: wasm tensors are dense row-major). */
export function view(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/**
 * Runs another kernel registered for the wasm backend (e.g. its XNNPACK `BatchMatMul`).
 * `fallback` is used instead of the registry when given (the kernel we replaced).
 */
export function runWasmKernel(
  tfjs: Tfjs,
  name: string,
  backend: WasmBackend,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const kernel = tfjs.getKernel(name, WASM);
  if (kernel === undefined) {
    throw new DcError('BACKEND_UNAVAILABLE', `kernel ${name} is not registered for the wasm backend`, {
      hint: 'Import @tensorflow/tfjs-backend-wasm (it registers its kernels) before training on wasm.',
    });
  }
  return callKernel(kernel.kernelFunc as unknown as WasmKernelFunc, backend, inputs, attrs);
}

/** Calls a kernel function directly and returns its single output. */
export function callKernel(
  kernelFunc: WasmKernelFunc,
  backend: WasmBackend,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const out = kernelFunc({ inputs, backend, attrs }) as TensorInfo | TensorInfo[];
  return Array.isArray(out) ? out[0] : out;
}

/** `a @ b` for `[m, k] @ [k, n]` by the wasm backend's own (XNNPACK) `BatchMatMul`, no transposes. */
export function matMul(tfjs: Tfjs, backend: WasmBackend, a: TensorInfo, b: TensorInfo, m: number, k: number, n: number): TensorInfo {
  return runWasmKernel(tfjs, 'BatchMatMul', backend, { a: view(a, [1, m, k]), b: view(b, [1, k, n]) }, { transposeA: false, transposeB: false });
}
