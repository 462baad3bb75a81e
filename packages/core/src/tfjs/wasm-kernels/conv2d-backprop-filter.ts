import { convGeometry, relayout, type ConvAttrs } from './geometry.js';
import { im2colTransposed } from './patches.js';
import { f32, matMul, type KernelArgs, type Tfjs, type TensorInfo } from './wasm-backend.js';

/**
 * `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.x has none): the filter
 * gradient `dW[KH, KW, C, CO] = im2col(x)ᵀ[K, M] @ dy[M, CO]`, with the transposed patch matrix
 * written straight into the WASM heap and multiplied by the backend's XNNPACK `BatchMatMul`
 * without a transpose flag (its transposed paths are about 10x slower). NCHW inputs are
 * transposed to NHWC first.
 */
export function createConv2DBackpropFilter(tfjs: Tfjs) {
  return function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
    const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    const nchw = a.dataFormat === 'NCHW';
    const x = nchw ? relayout(tfjs, backend, inputs.x) : inputs.x;
    const dy = nchw ? relayout(tfjs, backend, inputs.dy) : inputs.dy;
    try {
      const g = convGeometry(tfjs, x.shape, a.filterShape, a);
      const K = g.filterHeight * g.filterWidth * g.inChannels;
      const M = g.batch * g.outHeight * g.outWidth;
      const colT = backend.makeOutput([K, M], 'float32');
      try {
        im2colTransposed(f32(backend, x), f32(backend, colT), g);
        const dw = matMul(tfjs, backend, colT, dy, K, M, g.outChannels);
        return { dataId: dw.dataId, shape: [...a.filterShape], dtype: 'float32' };
      } finally {
        backend.disposeData(colT.dataId);
      }
    } finally {
      if (nchw) {
        backend.disposeData(x.dataId);
        backend.disposeData(dy.dataId);
      }
    }
  };
}
