/**
 * The WASM SIMD training kernels (train-kernels.wat), instantiated on tfjs-backend-wasm's own
 * memory so that they read and write its tensors in place; one instance per backend.
 */
import { TRAIN_KERNELS_WASM_BASE64 } from './train-kernels-wasm.generated.js';
import { f32, type TensorInfo, type WasmBackend } from './wasm-backend.js';

/** The exports of train-kernels.wat (addresses are byte offsets in the backend's memory). */
export interface TrainKernels {
  gemm(a: number, b: number, c: number, M: number, K: number, N: number, panel: number, lda: number, ldb: number, ldc: number): void;
  pack_rows4(a: number, lda: number, M: number, K: number, idx: number, vals: number, starts: number): number;
  pack_cols4(a: number, lda: number, M: number, K: number, idx: number, vals: number, starts: number): number;
  gemm_packed(idx: number, vals: number, starts: number, b: number, c: number, M: number, K: number, N: number, panel: number, ldb: number, ldc: number): void;
  filter_grad8(x: number, o0: number, o1: number, o2: number, o3: number, dy: number, out: number, N: number, OH: number, OW: number, xImage: number, xRow: number, xStep: number, dyStep: number): void;
  col2im(col: number, dx: number, N: number, OH: number, OW: number, KH: number, run: number, xImage: number, xRow: number, xStep: number, rowBytes: number): void;
  max_pool_grad(x: number, dy: number, dx: number, N: number, H: number, W: number, C: number, C4: number, OH: number, OW: number, FH: number, FW: number, SH: number, SW: number, top: number, left: number): void;
  filter_grad4(x: number, o0: number, o1: number, o2: number, o3: number, dy: number, out: number, N: number, OH: number, OW: number, xImage: number, xRow: number, xStep: number, dyStep: number): void;
  adam(w: number, m: number, v: number, g: number, w2: number, m2: number, v2: number, n: number, step: number, scale2: number, b1: number, b2: number, eps: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<object, TrainKernels | null>();

function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(TRAIN_KERNELS_WASM_BASE64), (ch) => ch.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * The kernels on `backend`'s memory, or null where that memory is not reachable (a build of
 * tfjs-backend-wasm that does not expose it, or a shared-memory threaded build) or WebAssembly
 * SIMD is missing: callers then use the stock kernels.
 */
export function trainKernels(backend: WasmBackend): TrainKernels | null {
  const key = backend as object;
  if (instances.has(key)) return instances.get(key)!;
  let kernels: TrainKernels | null = null;
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  const mod = module();
  if (mod && memory instanceof WebAssembly.Memory) {
    try {
      kernels = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as TrainKernels;
    } catch {
      kernels = null;
    }
  }
  instances.set(key, kernels);
  return kernels;
}

/** The byte address of a float32 tensor in the backend's memory. */
export function addressOf(backend: WasmBackend, info: TensorInfo): number {
  return f32(backend, info).byteOffset;
}
