import { convGeometry, nhwcShape, relayout, type ConvAttrs } from './geometry.js';
import { copyPadded, paddedImage, pixelStrides } from './padded-image.js';
import { col2im } from './patches.js';
import { trainKernels } from './train-kernels.js';
import { transposeLast } from './transpose.js';
import { f32, matMul, type KernelArgs, type Tfjs, type TensorInfo } from './wasm-backend.js';

/**
 * `Conv2DBackpropInput` for the wasm backend, replacing (on request) the stock kernel, a direct
 * loop about 10x slower than the forward convolution: the input gradient is
 * `col2im(dy[M, CO] @ Wᵀ[CO, K])`, the product by the backend's XNNPACK `BatchMatMul` (no
 * transpose flags; only the small filter is transposed), the scatter-add by the WASM SIMD
 * `col2im` on a padded copy of the image (in JS where WASM SIMD is missing).
 */
export function createConv2DBackpropInput(tfjs: Tfjs) {
  return function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
    const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    const nchw = a.dataFormat === 'NCHW';
    const { filter } = inputs;
    const dy = nchw ? relayout(tfjs, backend, inputs.dy) : inputs.dy;
    const inShape = nchw ? nhwcShape(a.inputShape) : [...a.inputShape];
    const g = convGeometry(tfjs, inShape, filter.shape, a);
    const K = g.filterHeight * g.filterWidth * g.inChannels;
    const M = g.batch * g.outHeight * g.outWidth;
    const filterT = transposeLast(backend, filter, 1, K, g.outChannels);
    const dcol = matMul(tfjs, backend, dy, filterT, M, g.outChannels, K);
    backend.disposeData(filterT.dataId);
    if (nchw) backend.disposeData(dy.dataId);
    const dx = backend.makeOutput(inShape, 'float32');
    const kernels = trainKernels(backend);
    if (kernels) {
      const p = paddedImage(g);
      const padded = backend.makeOutput([p.size], 'float32');
      const dxp = f32(backend, padded);
      dxp.fill(0);
      kernels.col2im(f32(backend, dcol).byteOffset, dxp.byteOffset, g.batch, g.outHeight, g.outWidth, g.filterHeight, g.filterWidth * g.inChannels, ...pixelStrides(g, p), p.rowFloats * 4);
      const dxv = f32(backend, dx);
      dxv.fill(0);
      copyPadded(dxv, dxp, g, p, true);
      backend.disposeData(padded.dataId);
    } else {
      const dxv = f32(backend, dx);
      dxv.fill(0);
      col2im(f32(backend, dcol), dxv, g);
    }
    backend.disposeData(dcol.dataId);
    if (!nchw) return dx;
    const out = relayout(tfjs, backend, dx, true);
    backend.disposeData(dx.dataId);
    return out;
  };
}
