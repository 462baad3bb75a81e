import { DcError } from '../../errors/dc-error.js';
import type { Tfjs } from './wasm-backend.js';

/** The attributes tfjs passes to the DepthwiseConv2dNativeBackprop* kernels (always NHWC). */
export interface DepthwiseAttrs {
  strides: number | [number, number];
  /** tfjs padding: a mode, a number, or explicit `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
  pad: 'valid' | 'same' | number | number[][];
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The geometry of one depthwise convolution, NHWC: output channel `c · multiplier + m` reads input channel `c`. */
export interface DepthwiseGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  multiplier: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Geometry of a depthwise convolution of `inShape` by `filterShape` `[kh, kw, channels,
 * multiplier]` under tfjs's own padding rules. Dilated filters are refused: tfjs's gradient of
 * `depthwiseConv2d` asserts dilation 1 before it calls these kernels, so none arrives that way.
 */
export function depthwiseGeometry(tfjs: Tfjs, inShape: readonly number[], filterShape: readonly number[], attrs: DepthwiseAttrs): DepthwiseGeometry {
  const dilations = attrs.dilations ?? 1;
  if ((typeof dilations === 'number' ? [dilations] : dilations).some((d) => d !== 1)) {
    throw new DcError('INVALID_OPTION', `the wasm depthwise convolution gradients support dilation 1 only, got ${String(dilations)}`, {
      hint: 'tfjs itself has no gradient for dilated depthwise convolutions; use dilationRate 1 in trained layers.',
    });
  }
  const pad = attrs.pad as Parameters<typeof tfjs.backend_util.computeConv2DInfo>[4];
  const info = tfjs.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    multiplier: info.outChannels / info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
