import { depthwiseGeometry, type DepthwiseAttrs } from './depthwise-geometry.js';
import { f32, type KernelArgs, type Tfjs, type TensorInfo } from './wasm-backend.js';

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (tfjs-backend-wasm 4.x has none):
 * `dx[n, ih, iw, c] = Σ dy[n, oh, ow, c·M + m] · W[r, q, c, m]` over the taps `(r, q)` that put
 * input pixel `(ih, iw)` under output pixel `(oh, ow)`. One scatter pass over the output pixels in
 * JS on views of the WASM heap, channels innermost (contiguous runs of `dy`, `W` and `dx`).
 */
export function createDepthwiseConv2dBackpropInput(tfjs: Tfjs) {
  return function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
    const a = attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
    const { dy, filter } = inputs;
    const g = depthwiseGeometry(tfjs, a.inputShape, filter.shape, a);
    const { inHeight: H, inWidth: W, channels: C, multiplier: M, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = g;
    const CM = C * M;
    // Allocate first: an allocation may grow the heap, which detaches every view taken before it.
    const dx = backend.makeOutput([...a.inputShape], 'float32');
    const dyv = f32(backend, dy);
    const wv = f32(backend, filter);
    const dxv = f32(backend, dx);
    dxv.fill(0);
    for (let n = 0; n < g.batch; n++) {
      for (let oh = 0; oh < OH; oh++) {
        const ih0 = oh * g.strideHeight - g.padTop;
        for (let ow = 0; ow < OW; ow++) {
          const iw0 = ow * g.strideWidth - g.padLeft;
          const d = ((n * OH + oh) * OW + ow) * CM;
          for (let r = 0; r < KH; r++) {
            const ih = ih0 + r;
            if (ih < 0 || ih >= H) continue;
            for (let q = 0; q < KW; q++) {
              const iw = iw0 + q;
              if (iw < 0 || iw >= W) continue;
              const xs = ((n * H + ih) * W + iw) * C;
              const w = (r * KW + q) * CM;
              if (M === 1) {
                for (let c = 0; c < C; c++) dxv[xs + c] += dyv[d + c] * wv[w + c];
              } else {
                for (let c = 0; c < C; c++) {
                  let s = 0;
                  for (let m = 0, o = c * M; m < M; m++, o++) s += dyv[d + o] * wv[w + o];
                  dxv[xs + c] += s;
                }
              }
            }
          }
        }
      }
    }
    return dx;
  };
}
