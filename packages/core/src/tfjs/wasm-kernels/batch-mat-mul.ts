import { trainKernels, type TrainKernels } from './train-kernels.js';
import { transposeLast } from './transpose.js';
import { callKernel, f32, type KernelArgs, type Tfjs, type TensorInfo, type WasmBackend, type WasmKernelFunc } from './wasm-backend.js';

/**
 * Wraps the wasm backend's `BatchMatMul` (on request). Its XNNPACK path packs the `b` operand into
 * an operator it caches by tensor; in training `b` (the weights, or a gradient) is new at every
 * step, and the packing costs more than the product (~7 ms of ~10 ms for 128 × 784 × 300). Its
 * transposed cases run a loop about 10x slower. So a `b` not seen before, or transposed, goes to
 * our WASM SIMD product (train-kernels.wat, no packing; transposes and padding to its 4 × 8
 * blocks done once, in JS on the heap); a `b` used before goes to XNNPACK, whose cached operator
 * then wins (inference).
 */
export function createBatchMatMul(_tfjs: Tfjs, original: WasmKernelFunc) {
  const seen = new WeakSet<object>();
  return function batchMatMul(args: KernelArgs): TensorInfo {
    const { inputs, backend, attrs = {} } = args;
    const { a, b } = inputs;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return callKernel(original, backend, inputs, attrs);
    const reused = !transposeB && seen.has(b.dataId);
    seen.add(b.dataId);
    const kernels = trainKernels(backend);
    if (kernels && !reused && broadcastable(a, b)) return productOf(kernels, backend, a, b, transposeA, transposeB);
    if (!transposeA && !transposeB) return callKernel(original, backend, inputs, attrs);
    const a2 = transposeA ? swapLast(backend, a) : a;
    const b2 = transposeB ? swapLast(backend, b) : b;
    try {
      return callKernel(original, backend, { a: a2, b: b2 }, { ...attrs, transposeA: false, transposeB: false });
    } finally {
      if (transposeA) backend.disposeData(a2.dataId);
      if (transposeB) backend.disposeData(b2.dataId);
    }
  };
}

/** `x[..., r, c]` → `[..., c, r]` as a new heap tensor. */
function swapLast(backend: KernelArgs['backend'], x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2];
  const cols = x.shape[rank - 1];
  const batch = x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const t = transposeLast(backend, x, batch, rows, cols);
  return { dataId: t.dataId, shape: [...x.shape.slice(0, -2), cols, rows], dtype: 'float32' };
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * `dst[r, c] = src[r, c]` (or `src[c, r]` when `transpose`) for the `rows × cols` result, into a
 * matrix `stride` columns wide. `src` is `rows × cols`, or `cols × rows` when transposed.
 */
function copyInto(src: Float32Array, so: number, dst: Float32Array, rows: number, cols: number, stride: number, transpose: boolean): void {
  if (!transpose) {
    for (let r = 0; r < rows; r++) dst.set(src.subarray(so + r * cols, so + (r + 1) * cols), r * stride);
    return;
  }
  for (let c = 0; c < cols; c++) {
    const s = so + c * rows;
    for (let r = 0, d = c; r < rows; r++, d += stride) dst[d] = src[s + r];
  }
}

const leading = (x: TensorInfo) => x.shape.slice(0, -2);
const count = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** Rank ≥ 2 operands whose batches are equal, or one of them a single matrix. */
function broadcastable(a: TensorInfo, b: TensorInfo): boolean {
  if (a.shape.length < 2 || b.shape.length < 2) return false;
  const batchA = count(leading(a));
  const batchB = count(leading(b));
  return batchA === batchB || batchA === 1 || batchB === 1;
}

/** `a @ b` for `[..., ., .]` operands (a single matrix broadcasts), with the WASM SIMD `gemm`. */
function productOf(k: TrainKernels, backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const [a1, a2] = a.shape.slice(-2);
  const [b1, b2] = b.shape.slice(-2);
  const batchA = count(leading(a));
  const batchB = count(leading(b));
  const [M, K] = transposeA ? [a2, a1] : [a1, a2];
  const N = transposeB ? b1 : b2;
  const batch = Math.max(batchA, batchB);
  const M4 = roundUp(M, 4);
  const N8 = roundUp(N, 8);
  const out = backend.makeOutput([...(batchA >= batchB ? leading(a) : leading(b)), M, N], 'float32');
  // Operands in the kernel's layout: row-major, M and N padded (padding rows and columns of the
  // result are dropped, so they need no zeroing).
  const directA = !transposeA && M4 === M;
  const directB = !transposeB && N8 === N;
  const directC = M4 === M && N8 === N;
  const scratchA = directA ? null : backend.makeOutput([M4, K], 'float32');
  const scratchB = directB ? null : backend.makeOutput([K, N8], 'float32');
  const scratchC = directC ? null : backend.makeOutput([M4, N8], 'float32');
  const panel = backend.makeOutput([K, 8], 'float32');
  try {
    const av = f32(backend, a);
    const bv = f32(backend, b);
    const cv = f32(backend, out);
    for (let i = 0; i < batch; i++) {
      const ao = (batchA === 1 ? 0 : i) * M * K;
      const bo = (batchB === 1 ? 0 : i) * K * N;
      let pa = av.byteOffset + ao * 4;
      let pb = bv.byteOffset + bo * 4;
      if (scratchA) {
        const s = f32(backend, scratchA);
        copyInto(av, ao, s, M, K, K, transposeA);
        pa = s.byteOffset;
      }
      if (scratchB && (i === 0 || batchB > 1)) {
        const s = f32(backend, scratchB);
        copyInto(bv, bo, s, K, N, N8, transposeB);
      }
      if (scratchB) pb = f32(backend, scratchB).byteOffset;
      const pc = scratchC ? f32(backend, scratchC).byteOffset : cv.byteOffset + i * M * N * 4;
      k.gemm(pa, pb, pc, M4, K, N8, f32(backend, panel).byteOffset);
      if (scratchC) {
        const s = f32(backend, scratchC);
        for (let r = 0; r < M; r++) cv.set(s.subarray(r * N8, r * N8 + N), (i * M + r) * N);
      }
    }
  } finally {
    for (const s of [scratchA, scratchB, scratchC, panel]) if (s) backend.disposeData(s.dataId);
  }
  return out;
}
