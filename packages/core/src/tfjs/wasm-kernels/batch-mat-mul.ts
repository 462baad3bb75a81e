import { transposeLast } from './transpose.js';
import { callKernel, type KernelArgs, type Tfjs, type TensorInfo, type WasmKernelFunc } from './wasm-backend.js';

/**
 * Wraps the wasm backend's `BatchMatMul` (on request): its XNNPACK path serves only
 * `transposeA = transposeB = false`, and a transposed operand falls back to a loop about 10x
 * slower — the case of every dense layer's gradients (`dy @ Wᵀ`, `xᵀ @ dy`). The wrapper
 * transposes such an operand once (blocked, in JS on the heap) and calls the original kernel
 * without flags; everything else goes to the original unchanged.
 */
export function createBatchMatMul(_tfjs: Tfjs, original: WasmKernelFunc) {
  return function batchMatMul(args: KernelArgs): TensorInfo {
    const { inputs, backend, attrs = {} } = args;
    const { a, b } = inputs;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return callKernel(original, backend, inputs, attrs);
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
