/** Window geometry of convolutions and pooling, resolved once from core's window arithmetic. */
import { windowAxis, type ResolvedNode } from '@dc/core';

/** Height, width, channels of one sample (channels last). */
export type Hwc = readonly [number, number, number];

/** Padding of a window operation, in input pixels (SAME puts the odd pixel after, as tfjs). */
export interface Pads {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/**
 * Where a windowed op reads: output pixel `(oy, ox)` reads input pixels
 * `(oy·strides[0] + ky·dilation[0] − pads.top, ox·strides[1] + kx·dilation[1] − pads.left)`
 * for `ky < kernelSize[0]`, `kx < kernelSize[1]`; pixels outside the input are zeros for
 * convolutions and left out for pooling.
 */
export interface Window {
  readonly input: Hwc;
  readonly output: Hwc;
  /** The kernel or pooling window, `[rows, columns]`. */
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  /** `[1, 1]` for pooling and undilated convolutions. */
  readonly dilation: readonly [number, number];
  readonly pads: Pads;
}

const ONE: readonly [number, number] = [1, 1];

/** The window of a conv2d, depthwiseConv2d, maxPool2d or avgPool2d node; null for other kinds. */
export function windowOf(node: ResolvedNode): Window | null {
  const c = node.config;
  let kernelSize: readonly [number, number];
  let dilation = ONE;
  switch (c.kind) {
    case 'conv2d':
    case 'depthwiseConv2d':
      kernelSize = c.kernelSize;
      dilation = c.dilationRate ?? ONE;
      break;
    case 'maxPool2d':
    case 'avgPool2d':
      kernelSize = c.poolSize;
      break;
    default:
      return null;
  }
  const [input, output] = [node.inputShapes[0], node.outputShape];
  const y = windowAxis(input[0], kernelSize[0], c.strides[0], c.padding, dilation[0]);
  const x = windowAxis(input[1], kernelSize[1], c.strides[1], c.padding, dilation[1]);
  return {
    input: [input[0], input[1], input[2]],
    output: [output[0], output[1], output[2]],
    kernelSize,
    strides: c.strides,
    dilation,
    pads: { top: y.before, bottom: y.after, left: x.before, right: x.after },
  };
}
