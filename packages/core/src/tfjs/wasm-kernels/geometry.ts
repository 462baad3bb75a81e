import type { ConvGeometry } from './patches.js';
import { runWasmKernel, type Tfjs, type TensorInfo, type WasmBackend } from './wasm-backend.js';

/** The attributes tfjs passes to the Conv2DBackprop* kernels. */
export interface ConvAttrs {
  strides: number | [number, number];
  /** tfjs padding: a mode, a number, or explicit `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Geometry of a NHWC convolution of `inShape` by `filterShape` under tfjs's own padding rules. */
export function convGeometry(tfjs: Tfjs, inShape: number[], filterShape: number[], attrs: ConvAttrs): ConvGeometry {
  const pad = attrs.pad as Parameters<typeof tfjs.backend_util.computeConv2DInfo>[4];
  const info = tfjs.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** NCHW → NHWC (or back with `toNchw`) by the wasm `Transpose` kernel. */
export function relayout(tfjs: Tfjs, backend: WasmBackend, x: TensorInfo, toNchw = false): TensorInfo {
  return runWasmKernel(tfjs, 'Transpose', backend, { x }, { perm: toNchw ? [0, 3, 1, 2] : [0, 2, 3, 1] });
}

/** A NCHW shape as NHWC. */
export function nhwcShape(shape: readonly number[]): number[] {
  return [shape[0], shape[2], shape[3], shape[1]];
}
