import { trainKernels } from './train-kernels.js';
import { f32, type KernelArgs, type Tfjs, type TensorInfo } from './wasm-backend.js';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * `MaxPoolGrad` for the wasm backend, replacing (on request) the stock kernel: one pass over the
 * output pixels that finds each window's maximum in `x` and adds `dy` there. Ties go to the
 * first maximum in row-major window order, as tfjs's cpu backend does. With WASM SIMD the same pass
 * runs 4 channels at a time (train-kernels.wat `max_pool_grad`), the last C mod 4 channels here.
 */
export function createMaxPoolGrad(tfjs: Tfjs) {
  return function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
    const a = attrs as unknown as PoolAttrs;
    const { dy, input } = inputs;
    const info = tfjs.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Allocate first: an allocation may grow the heap, which detaches every view taken before it.
    const dx = backend.makeOutput([...input.shape], 'float32');
    const x = f32(backend, input);
    const g = f32(backend, dy);
    const d = f32(backend, dx);
    d.fill(0);
    // Whole groups of 4 channels in WASM SIMD (where available), the rest here.
    const kernels = trainKernels(backend);
    const simd = kernels ? C - (C % 4) : 0;
    if (kernels && simd > 0) kernels.max_pool_grad(x.byteOffset, g.byteOffset, d.byteOffset, N, H, W, C, simd, OH, OW, FH, FW, SH, SW, top, left);
    if (simd === C) return dx;
    for (let n = 0; n < N; n++) {
      const xn = n * H * W * C;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * SH - top;
        const hs = Math.max(0, h0);
        const he = Math.min(H, h0 + FH);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = ow * SW - left;
          const ws = Math.max(0, w0);
          const we = Math.min(W, w0 + FW);
          for (let c = simd, o = ((n * OH + oh) * OW + ow) * C + simd; c < C; c++, o++) {
            let best = -Infinity;
            let at = -1;
            for (let h = hs; h < he; h++) {
              for (let w = ws, i = xn + (h * W + ws) * C + c; w < we; w++, i += C) {
                if (x[i] > best) {
                  best = x[i];
                  at = i;
                }
              }
            }
            if (at >= 0) d[at] += g[o];
          }
        }
      }
    }
    return dx;
  };
}
