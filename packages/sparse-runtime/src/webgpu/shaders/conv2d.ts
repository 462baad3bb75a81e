/**
 * The sparse-coded 2-D convolutions (channels last, strides, dilation, SAME/VALID padding as in
 * tfjs): `conv2d` and `depthwiseConv2d`. A thread owns one output element `(oy, ox, co)` and `q`
 * vec4 of samples; it walks the kept weights of output channel `co`, with the codebook lookup in
 * the shader. Per packed row the host precomputes a tap word `dy | dx << 16` (the dilated kernel
 * offset), so the inner loop does no integer division:
 *
 * - conv2d: rows are `(ky·kw + kx)·cin + ci`; `taps[2·row]` is the tap word, `taps[2·row + 1]` is `ci`.
 * - depthwise: the kernel `[kh, kw, cin, m]` is seen as `[kh·kw, cin·m]` (its columns are the
 *   output channels `ci·m + j`), rows are `ky·kw + kx`, `taps[row]` is the tap word and the input
 *   channel is `co / m`.
 *
 * Out-of-image taps (padding) are skipped.
 */
import type { ActivationParams } from '@dc/core';
import { ACT4, activationFn } from './activation.js';
import { ENTRY, SPARSE_CODED_BINDINGS, decodeEntry, unroll } from './common.js';

/** Uniform layout of both convolution programs (u32 each; the pads are non-negative). */
export const CONV2D_PARAMS = [
  'total', 'rowStride', 'quads', 'inH', 'inW', 'inC', 'outH', 'outW', 'outC',
  'strideY', 'strideX', 'padTop', 'padLeft', 'multiplier',
] as const;

/** What varies between convolution programs. */
export interface ConvShaderOptions {
  /** Bits of the code in a packed entry (0: wide entries). */
  readonly codeBits: number;
  readonly activation: ActivationParams;
  /** Vec4 of samples per thread. */
  readonly q: number;
  readonly depthwise: boolean;
}

/** WGSL of the conv2d or depthwise program. */
export function convShader(o: ConvShaderOptions): string {
  const tap = o.depthwise
    ? `let tap = taps[row];
    let ci = ch;`
    : `let tap = taps[2u * row];
    let ci = taps[2u * row + 1u];`;
  return /* wgsl */ `
struct Params {
  total: u32, rowStride: u32, quads: u32, inH: u32, inW: u32, inC: u32, outH: u32, outW: u32, outC: u32,
  strideY: u32, strideX: u32, padTop: u32, padLeft: u32, multiplier: u32,
}
@group(0) @binding(0) var<uniform> p: Params;${SPARSE_CODED_BINDINGS}
@group(0) @binding(6) var<storage, read> taps: array<u32>;
@group(0) @binding(7) var<storage, read_write> y: array<vec4f>;
${activationFn(o.activation)}
${ACT4}
${ENTRY}
  let blocks = p.quads / ${o.q}u;
  let f = t / blocks;
  let q0 = (t - f * blocks) * ${o.q}u;
  let co = f % p.outC;
  let pix = f / p.outC;
  let ch = co / p.multiplier;
  // Window origin in padded coordinates; an input pixel is (y0 + dy − padTop, x0 + dx − padLeft).
  let y0 = (pix / p.outW) * p.strideY;
  let x0 = (pix % p.outW) * p.strideX;
  ${unroll(o.q, (j) => `var a${j} = vec4f(0.0);`)}
  for (var k = offsets[co]; k < offsets[co + 1u]; k++) {
    ${decodeEntry(o.codeBits)}
    ${tap}
    let iy = y0 + (tap & 65535u);
    let ix = x0 + (tap >> 16u);
    if (iy >= p.padTop && ix >= p.padLeft && iy - p.padTop < p.inH && ix - p.padLeft < p.inW) {
      let i = (((iy - p.padTop) * p.inW + ix - p.padLeft) * p.inC + ci) * p.quads + q0;
      ${unroll(o.q, (j) => `a${j} += x[i + ${j}u] * w;`)}
    }
  }
  let c = bias[co];
  let at = f * p.quads + q0;
  ${unroll(o.q, (j) => `y[at + ${j}u] = act4(a${j} + c);`)}
}`;
}
