/**
 * The sparse-coded 2-D convolution (channels last, strides, SAME/VALID padding as in tfjs): one
 * thread per output element `(b, oy, ox, co)` walks the kept weights of filter `co`; each packed
 * row is `(ky·kw + kx)·cin + ci` and the weight comes from the codebook lookup in the shader.
 */
import type { Activation } from '@dc/core';
import { ENTRY, activationFn, decodeEntry } from './common.js';

/** Uniform layout of the conv2d program (u32 each; the pads are non-negative). */
export const CONV2D_PARAMS = [
  'total', 'rowStride', 'inH', 'inW', 'inC', 'outH', 'outW', 'outC',
  'kW', 'strideY', 'strideX', 'padTop', 'padLeft',
] as const;

/** WGSL of the conv2d program for a kernel with `codeBits` (0 = wide entries) and a fused activation. */
export function conv2dShader(codeBits: number, activation: Activation): string {
  return /* wgsl */ `
struct Params {
  total: u32, rowStride: u32, inH: u32, inW: u32, inC: u32, outH: u32, outW: u32, outC: u32,
  kW: u32, strideY: u32, strideX: u32, padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> offsets: array<u32>;
@group(0) @binding(3) var<storage, read> entries: array<u32>;
@group(0) @binding(4) var<storage, read> table: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
${activationFn(activation)}
${ENTRY}
  let co = t % p.outC;
  var r = t / p.outC;
  let ox = r % p.outW;
  r = r / p.outW;
  let oy = r % p.outH;
  let b = r / p.outH;
  // Top-left input pixel of the window, shifted by the padding so that it stays unsigned.
  let y0 = oy * p.strideY;
  let x0 = ox * p.strideX;
  let kC = p.kW * p.inC;
  var acc = 0.0;
  for (var k = offsets[co]; k < offsets[co + 1u]; k++) {
    ${decodeEntry(codeBits)}
    let ky = row / kC;
    let rest = row - ky * kC;
    let kx = rest / p.inC;
    let ci = rest - kx * p.inC;
    let iy = y0 + ky;
    let ix = x0 + kx;
    if (iy >= p.padTop && ix >= p.padLeft && iy - p.padTop < p.inH && ix - p.padLeft < p.inW) {
      acc += x[((b * p.inH + iy - p.padTop) * p.inW + ix - p.padLeft) * p.inC + ci] * w;
    }
  }
  y[t] = act(acc + bias[co]);
}`;
}
