import { DENSE_ABOVE, PackedLeft } from './packed-left.js';
import { trainKernels, type TrainKernels } from './train-kernels.js';
import { transposeInto, transposeLast } from './transpose.js';
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
const leading = (x: TensorInfo) => x.shape.slice(0, -2);
const count = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** Rank ≥ 2 operands whose batches are equal, or one of them a single matrix. */
function broadcastable(a: TensorInfo, b: TensorInfo): boolean {
  if (a.shape.length < 2 || b.shape.length < 2) return false;
  const batchA = count(leading(a));
  const batchB = count(leading(b));
  return batchA === batchB || batchA === 1 || batchB === 1;
}

/**
 * `a @ b` for `[..., ., .]` operands (a single matrix broadcasts), with the WASM SIMD `gemm` (4 × 8
 * blocks). Untransposed operands are read in place; the first N − N mod 8 columns of the result are
 * written in place, the last N mod 8 through an 8-wide copy of B's last columns. When M is a
 * multiple of 4, A is packed into its nonzero 4-row entries ({@link PackedLeft}) and the product
 * skips A's zeros (MNIST pixels, ReLU outputs and their gradients): always for a transposed A (the
 * packing reads it in place, no transpose), for an untransposed one when few enough are kept.
 * Otherwise transposed operands are transposed once, in cache blocks, and M not a multiple of 4
 * goes through padded copies.
 */
function productOf(k: TrainKernels, backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const [a1, a2] = a.shape.slice(-2);
  const [b1, b2] = b.shape.slice(-2);
  const batchA = count(leading(a));
  const batchB = count(leading(b));
  const [M, K] = transposeA ? [a2, a1] : [a1, a2];
  const N = transposeB ? b1 : b2;
  const batch = Math.max(batchA, batchB);
  const M4 = roundUp(M, 4);
  const tail = N % 8;
  const main = N - tail;
  const out = backend.makeOutput([...(batchA >= batchB ? leading(a) : leading(b)), M, N], 'float32');
  const packed = M4 === M && K > 0 ? new PackedLeft(backend, M, K) : null;
  const scratchA = packed || (!transposeA && M4 === M) ? null : backend.makeOutput([M4, K], 'float32');
  const scratchB = transposeB ? backend.makeOutput([K, N], 'float32') : null;
  const scratchC = M4 === M ? null : backend.makeOutput([M4, N], 'float32');
  const tailB = tail ? backend.makeOutput([K, 8], 'float32') : null;
  const tailC = tail ? backend.makeOutput([M4, 8], 'float32') : null;
  const panel = backend.makeOutput([K, 8], 'float32');
  try {
    const av = f32(backend, a);
    const bv = f32(backend, b);
    const cv = f32(backend, out);
    if (tailB) f32(backend, tailB).fill(0);
    for (let i = 0; i < batch; i++) {
      const ao = (batchA === 1 ? 0 : i) * M * K;
      const bo = (batchB === 1 ? 0 : i) * K * N;
      let pa = av.byteOffset + ao * 4;
      let left: PackedLeft | null = null;
      if (packed) {
        packed.pack(k, pa, transposeA ? M : K, transposeA);
        if (transposeA || packed.kept <= DENSE_ABOVE) left = packed;
      } else if (scratchA) {
        const s = f32(backend, scratchA);
        if (transposeA) transposeInto(av.subarray(ao, ao + M * K), s, 1, K, M);
        else s.set(av.subarray(ao, ao + M * K));
        pa = s.byteOffset;
      }
      const panelAt = f32(backend, panel).byteOffset;
      const multiply = (bAt: number, cAt: number, n: number, ldb: number, ldc: number) => {
        if (left) left.multiply(k, bAt, cAt, n, panelAt, ldb, ldc);
        else k.gemm(pa, bAt, cAt, M4, K, n, panelAt, K, ldb, ldc);
      };
      const freshB = i === 0 || batchB > 1;
      let bm = bv.subarray(bo, bo + K * N);
      if (scratchB) {
        const s = f32(backend, scratchB);
        if (freshB) transposeInto(bm, s, 1, N, K);
        bm = s;
      }
      const c = scratchC ? f32(backend, scratchC) : cv.subarray(i * M * N, (i + 1) * M * N);
      if (main > 0) multiply(bm.byteOffset, c.byteOffset, main, N, N);
      if (tailB && tailC) {
        const tb = f32(backend, tailB);
        if (freshB) for (let r = 0; r < K; r++) tb.set(bm.subarray(r * N + main, (r + 1) * N), r * 8);
        const tc = f32(backend, tailC);
        multiply(tb.byteOffset, tc.byteOffset, 8, 8, 8);
        for (let r = 0; r < M; r++) c.set(tc.subarray(r * 8, r * 8 + tail), r * N + main);
      }
      if (scratchC) cv.set(c.subarray(0, M * N), i * M * N);
    }
  } finally {
    for (const s of [scratchA, scratchB, scratchC, tailB, tailC, panel]) if (s) backend.disposeData(s.dataId);
    packed?.dispose();
  }
  return out;
}
