import { filterGradDirect } from './filter-grad-direct.js';
import { convGeometry, relayout, type ConvAttrs } from './geometry.js';
import { im2colTransposed, type ConvGeometry } from './patches.js';
import { trainKernels } from './train-kernels.js';
import { reverseAxes3, swapOuter } from './transpose.js';
import { f32, matMul, runWasmKernel, type KernelArgs, type Tfjs, type TensorInfo, type WasmBackend } from './wasm-backend.js';

/**
 * `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.x has none). NCHW inputs are
 * transposed to NHWC first. With WASM SIMD (and `simd`, true unless a test asks otherwise):
 * {@link filterGradDirect}. Otherwise two formulations, both on the backend's own XNNPACK code:
 *
 * - as a forward convolution (preferred): `dW[r, q, c, co] = Σ x[n, r + s·oh, q + s·ow, c] ·
 *   dy[n, oh, ow, co]` is the convolution of `x` laid out `[C, H, W, N]` (channels as batch,
 *   batch as channels) by `dy` laid out `[OH, OW, N, CO]` as the filter, dilated by the stride;
 *   its output `[C, KH, KW, CO]` is reordered to `[KH, KW, C, CO]`. XNNPACK's convolution never
 *   materialises the patch matrix, which makes this 2-3x faster than im2col + matmul here.
 * - im2col + matmul (when the padding would have to be negative, i.e. the forward convolution
 *   ignored trailing rows): the transposed patch matrix `colᵀ[K, M]` is written into the heap and
 *   multiplied by `dy[M, CO]` with the XNNPACK `BatchMatMul`, without transpose flags.
 */
export function createConv2DBackpropFilter(tfjs: Tfjs, { simd = true }: { simd?: boolean } = {}) {
  return function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
    const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    const nchw = a.dataFormat === 'NCHW';
    const x = nchw ? relayout(tfjs, backend, inputs.x) : inputs.x;
    const dy = nchw ? relayout(tfjs, backend, inputs.dy) : inputs.dy;
    try {
      const g = convGeometry(tfjs, x.shape, a.filterShape, a);
      const kernels = simd ? trainKernels(backend) : null;
      const dw = (kernels ? filterGradDirect(kernels, backend, x, dy, g) : undefined) ?? byConvolution(tfjs, backend, x, dy, g) ?? byIm2col(tfjs, backend, x, dy, g);
      return { dataId: dw.dataId, shape: [...a.filterShape], dtype: 'float32' };
    } finally {
      if (nchw) {
        backend.disposeData(x.dataId);
        backend.disposeData(dy.dataId);
      }
    }
  };
}

function byConvolution(tfjs: Tfjs, backend: WasmBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo | undefined {
  const { batch: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  const KH = g.filterHeight;
  const KW = g.filterWidth;
  // Bottom/right padding that makes the output exactly KH × KW.
  const padBottom = KH + (OH - 1) * g.strideHeight - H - g.padTop;
  const padRight = KW + (OW - 1) * g.strideWidth - W - g.padLeft;
  if (padBottom < 0 || padRight < 0 || N * OH * OW === 0) return undefined;
  const xT = backend.makeOutput([C, H, W, N], 'float32');
  const dyT = backend.makeOutput([OH, OW, N, CO], 'float32');
  let out: TensorInfo | undefined;
  try {
    reverseAxes3(f32(backend, x), f32(backend, xT), N, H * W, C);
    swapOuter(f32(backend, dy), f32(backend, dyT), N, OH * OW, CO);
    const pad = [[0, 0], [g.padTop, padBottom], [g.padLeft, padRight], [0, 0]];
    out = runWasmKernel(tfjs, 'Conv2D', backend, { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad,
      dataFormat: 'NHWC',
      dilations: [g.strideHeight, g.strideWidth],
    });
    const dw = backend.makeOutput([KH, KW, C, CO], 'float32');
    swapOuter(f32(backend, out), f32(backend, dw), C, KH * KW, CO);
    return dw;
  } finally {
    backend.disposeData(xT.dataId);
    backend.disposeData(dyT.dataId);
    if (out) backend.disposeData(out.dataId);
  }
}

function byIm2col(tfjs: Tfjs, backend: WasmBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const M = g.batch * g.outHeight * g.outWidth;
  const colT = backend.makeOutput([K, M], 'float32');
  try {
    im2colTransposed(f32(backend, x), f32(backend, colT), g);
    return matMul(tfjs, backend, colT, dy, K, M, g.outChannels);
  } finally {
    backend.disposeData(colT.dataId);
  }
}
