/**
 * Steps of the layers with a sparse-coded kernel: dense, conv2d (dilated or not) and depthwise
 * conv2d. Each binds the packed kernel (column offsets, entries, codebook), the bias (zeros without
 * one) and, for convolutions, the tap table; a softmax activation adds a pass over the output in place.
 */
import { DcError, type ActivationParams, type CompressedTensor } from '@dc/core';
import { packColumns, type PackedColumns } from '../pack-columns.js';
import { convShader, CONV2D_PARAMS } from '../shaders/conv2d.js';
import { denseShader, DENSE_PARAMS } from '../shaders/dense.js';
import { softmaxShader, SOFTMAX_PARAMS } from '../shaders/elementwise.js';
import type { Window } from '../../model/plan.js';
import type { GpuStep } from './gpu-step.js';

/** Most span of a dilated kernel along one axis (16 bits of a tap word). */
const MAX_SPAN = 65_536;

function unsupported(layer: string, message: string): DcError {
  return new DcError('UNSUPPORTED_LAYER', `"${layer}": ${message}`, { tensor: layer, hint: 'Use the cpu or tfjs backend for this model.' });
}

/** Tap words `dy | dx << 16` (dilated offsets) for every kernel position `ky·kw + kx`. */
export function tapWords(layer: string, g: Window): Uint32Array {
  const [kh, kw] = g.kernelSize;
  const [dy, dx] = g.dilation;
  if ((kh - 1) * dy >= MAX_SPAN || (kw - 1) * dx >= MAX_SPAN) throw unsupported(layer, `the webgpu backend supports dilated kernels spanning up to ${MAX_SPAN} pixels, got ${kh}×${kw} with dilation ${dy}×${dx}`);
  const taps = new Uint32Array(kh * kw);
  for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) taps[ky * kw + kx] = ((ky * dy) | ((kx * dx) << 16)) >>> 0;
  return taps;
}

/** True when some taps of the window fall outside the image (SAME padding that adds pixels). */
export function isBounded(g: Window): boolean {
  const [h, w] = [g.input[0], g.input[1]];
  const span = (k: number, d: number) => (k - 1) * d + 1;
  return g.pads.top > 0 || g.pads.left > 0 || (g.output[0] - 1) * g.strides[0] + span(g.kernelSize[0], g.dilation[0]) > h || (g.output[1] - 1) * g.strides[1] + span(g.kernelSize[1], g.dilation[1]) > w;
}

/**
 * The tap table of a convolution (see shaders/conv2d.ts): per packed row its flat input offset
 * from the window origin, preceded by its tap word when the window is `bounded`. Conv2d rows are
 * `(ky·kw + kx)·cin + ci`; depthwise rows `ky·kw + kx`.
 */
export function convTaps(layer: string, g: Window, depthwise: boolean, bounded: boolean): Uint32Array {
  const words = tapWords(layer, g);
  const [inW, cin] = [g.input[1], g.input[2]];
  const perTap = depthwise ? 1 : cin;
  const width = bounded ? 2 : 1;
  const taps = new Uint32Array(words.length * perTap * width);
  for (let k = 0; k < words.length; k++) {
    const flat = ((words[k] & 0xffff) * inW + (words[k] >>> 16)) * cin;
    for (let ci = 0; ci < perTap; ci++) {
      const row = k * perTap + ci;
      if (bounded) taps[2 * row] = words[k];
      taps[width * row + width - 1] = flat + ci;
    }
  }
  return taps;
}

function kernelArrays(k: PackedColumns, bias: Float32Array | null): Array<Uint32Array | Float32Array> {
  return [k.offsets, k.entries, k.table, bias ?? new Float32Array(k.columns)];
}

/** Softmax over the last axis of the node's output, in place (`size` values per sample, rows of `width`). */
export function softmaxInPlace(layer: string, size: number, width: number): GpuStep {
  const wgsl = softmaxShader(true);
  return { layer, shader: () => wgsl, blocked: false, inputs: [], arrays: [], fields: SOFTMAX_PARAMS, fixed: { axis: width, inner: 1 }, items: size / width };
}

function withSoftmax(main: GpuStep, activation: ActivationParams, size: number, width: number): GpuStep[] {
  return activation.activation === 'softmax' ? [main, softmaxInPlace(main.layer, size, width)] : [main];
}

/** A dense layer: kernel `[inputSize, units]`. */
export function denseSteps(layer: string, kernel: CompressedTensor, bias: Float32Array | null, activation: ActivationParams): GpuStep[] {
  const k = packColumns(kernel, `${layer}/kernel`);
  const main: GpuStep = {
    layer, shader: (q) => denseShader(k.codeBits, activation, q), blocked: true, inputs: [0],
    arrays: kernelArrays(k, bias), fields: DENSE_PARAMS, fixed: { inDim: k.rows, outDim: k.columns }, items: k.columns,
  };
  return withSoftmax(main, activation, k.columns, k.columns);
}

/**
 * A conv2d (kernel `[kh, kw, cin, cout]`) or, with `multiplier`, a depthwise conv2d (kernel
 * `[kh, kw, cin, multiplier]`, output channel `ci·multiplier + j`).
 */
export function convSteps(layer: string, g: Window, kernel: CompressedTensor, bias: Float32Array | null, activation: ActivationParams, multiplier?: number): GpuStep[] {
  const depthwise = multiplier !== undefined;
  const [kh, kw] = g.kernelSize;
  // The depthwise kernel [kh, kw, cin, m] seen as [kh·kw, cin·m]: same positions, columns = output channels.
  const k = packColumns(depthwise ? { ...kernel, shape: [kh * kw, g.input[2] * multiplier] } : kernel, `${layer}/kernel`);
  const [inH, inW, inC] = g.input;
  const [outH, outW, outC] = g.output;
  const fixed = {
    inH, inW, inC, outH, outW, outC, strideY: g.strides[0], strideX: g.strides[1], padTop: g.pads.top, padLeft: g.pads.left, multiplier: multiplier ?? 1,
  };
  const bounded = isBounded(g);
  const taps = convTaps(layer, g, depthwise, bounded);
  const size = outH * outW * outC;
  const main: GpuStep = {
    layer, shader: (q) => convShader({ codeBits: k.codeBits, activation, q, depthwise, bounded }), blocked: true, inputs: [0],
    arrays: [...kernelArrays(k, bias), taps], fields: CONV2D_PARAMS, fixed, items: size,
  };
  return withSoftmax(main, activation, size, outC);
}
