import { broadcastShape } from '../broadcast-merge.js';
import { callKernel, runWasmKernel, view, type KernelArgs, type TensorInfo, type Tfjs, type WasmKernelFunc } from './wasm-backend.js';

/**
 * The binary kernels whose broadcasting path tfjs-wasm 4.22 runs about ten times slower than their
 * same-shape path (about 20 ms against 2 ms for 262,144 elements compared with `[32, 1, 1, 32]`
 * here): it works out every output element's source indices. Adding or multiplying broadcasts fast.
 */
export const TILED_BROADCAST_KERNELS = ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Maximum', 'Minimum'] as const;

/**
 * One of {@link TILED_BROADCAST_KERNELS} for the wasm backend, replacing (on request) the stock
 * kernel: operands of different shapes are tiled to the output's shape first (by the registered
 * `Tile`, ours where replaced), then computed by the stock kernel's same-shape path, element for
 * element the same result. The gradient of `max` and `min` over axes (tfjs's `GlobalMaxPooling1D`
 * and `2D`) compares the input with its broadcast maxima in every training step, which made `Equal`
 * the largest kernel of a text CNN's step. A scalar operand (which the stock kernel handles fast)
 * and shapes that do not broadcast (which it refuses) go to the stock kernel.
 */
export function createTiledBroadcast(tfjs: Tfjs, original: WasmKernelFunc): WasmKernelFunc {
  return function tiledBroadcast(args: KernelArgs): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const out = broadcastShape([a.shape, b.shape]);
    const scalar = (x: TensorInfo) => x.shape.every((d) => d === 1);
    if (out === undefined || scalar(a) || scalar(b) || (tfjs.util.arraysEqual(a.shape, out) && tfjs.util.arraysEqual(b.shape, out))) return callKernel(original, backend, inputs, attrs);
    const tiled: TensorInfo[] = [];
    const spread = (x: TensorInfo): TensorInfo => {
      const padded = [...new Array<number>(out.length - x.shape.length).fill(1), ...x.shape];
      if (tfjs.util.arraysEqual(padded, out)) return x;
      const t = runWasmKernel(tfjs, 'Tile', backend, { x: view(x, padded) }, { reps: out.map((d, i) => (padded[i] === d ? 1 : d)) });
      tiled.push(t);
      return t;
    };
    try {
      return callKernel(original, backend, { a: spread(a), b: spread(b) }, attrs);
    } finally {
      for (const t of tiled) backend.disposeData(t.dataId);
    }
  };
}
