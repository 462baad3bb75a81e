import { depthwiseGeometry, type DepthwiseAttrs } from './depthwise-geometry.js';
import { f32, type KernelArgs, type Tfjs, type TensorInfo } from './wasm-backend.js';

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.x has none, so
 * no `depthwiseConv2d` layer trains there): `dW[r, q, c, m] = Σ x[n, ih, iw, c] · dy[n, oh, ow,
 * c·M + m]` over every output pixel, with `ih = oh·s − padTop + r`. One pass over the output
 * pixels in JS on views of the WASM heap; for each pixel and tap, the `C` input channels and the
 * `C·M` output channels are read as contiguous runs. The filter is small, so the sums are kept in
 * float64 and rounded once (the cpu backend sums in float64 too). There is no XNNPACK formulation
 * to reuse: a depthwise filter gradient is a per-channel correlation, not a matrix product.
 */
export function createDepthwiseConv2dBackpropFilter(tfjs: Tfjs) {
  return function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
    const a = attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
    const { x, dy } = inputs;
    const g = depthwiseGeometry(tfjs, x.shape, a.filterShape, a);
    const { inHeight: H, inWidth: W, channels: C, multiplier: M, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = g;
    const CM = C * M;
    const xv = f32(backend, x);
    const dyv = f32(backend, dy);
    const sums = new Float64Array(KH * KW * CM);
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
                for (let c = 0; c < C; c++) sums[w + c] += xv[xs + c] * dyv[d + c];
              } else {
                for (let c = 0; c < C; c++) {
                  const xc = xv[xs + c];
                  for (let m = 0, o = c * M; m < M; m++, o++) sums[w + o] += xc * dyv[d + o];
                }
              }
            }
          }
        }
      }
    }
    const dw = backend.makeOutput([KH, KW, C, M], 'float32');
    f32(backend, dw).set(sums);
    return dw;
  };
}
