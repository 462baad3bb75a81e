/**
 * The sparse-coded 2-D convolutions (channels last, strides, dilation, SAME/VALID padding as in
 * tfjs): `conv2d` and `depthwiseConv2d`. A thread owns one output element `(oy, ox, co)` and `q`
 * vec4 of samples; it walks the kept weights of output channel `co`, with the codebook lookup in
 * the shader. Threads are ordered channel-major (channel, then pixel, then samples), so the lanes
 * of a SIMD group or warp share `co`: the same loop length and the same weight loads.
 *
 * Per packed row the host precomputes where the tap reads, relative to the window's origin, as a
 * flat offset into the input (`(dy·inW + dx)·inC + ci` for conv2d, whose rows are
 * `(ky·kw + kx)·cin + ci`; `(dy·inW + dx)·inC` for depthwise, whose kernel `[kh, kw, cin, m]` is
 * seen as `[kh·kw, cin·m]`, rows `ky·kw + kx`, input channel `co / m`), with `dy`, `dx` the dilated
 * kernel offsets. So the inner loop does no integer division. A padded window (`bounded`) also
 * needs `dy | dx << 16` per row to skip taps outside the image: the table then holds two words per
 * row, the tap word first. Unpadded windows never leave the image and skip the check.
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
  /** True when the window is padded (some taps fall outside the image). */
  readonly bounded: boolean;
}

/** WGSL of the conv2d or depthwise program. */
export function convShader(o: ConvShaderOptions): string {
  const read = o.bounded
    ? `let tap = taps[2u * row];
    let iy = y0 + (tap & 65535u);
    let ix = x0 + (tap >> 16u);
    if (iy >= p.padTop && ix >= p.padLeft && iy - p.padTop < p.inH && ix - p.padLeft < p.inW) {
      let i = (base + taps[2u * row + 1u]) * p.quads + q0;
      ${unroll(o.q, (j) => `a${j} += x[i + ${j}u] * w;`)}
    }`
    : `let i = (base + taps[row]) * p.quads + q0;
    ${unroll(o.q, (j) => `a${j} += x[i + ${j}u] * w;`)}`;
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
  let r = t / blocks;
  let q0 = (t - r * blocks) * ${o.q}u;
  let pixels = p.outH * p.outW;
  let co = r / pixels;
  let pix = r - co * pixels;
  // Window origin in padded coordinates; a tap reads input pixel (y0 + dy − padTop, x0 + dx − padLeft).
  let y0 = (pix / p.outW) * p.strideY;
  let x0 = (pix % p.outW) * p.strideX;
  // Flat index of the window origin in the input (u32 arithmetic wraps: exact again once a tap is in the image).
  let base = ((y0 - p.padTop) * p.inW + x0 - p.padLeft) * p.inC + ${o.depthwise ? 'co / p.multiplier' : '0u'};
  ${unroll(o.q, (j) => `var a${j} = vec4f(0.0);`)}
  for (var k = offsets[co]; k < offsets[co + 1u]; k++) {
    ${decodeEntry(o.codeBits)}
    ${read}
  }
  let c = bias[co];
  let at = (pix * p.outC + co) * p.quads + q0;
  ${unroll(o.q, (j) => `y[at + ${j}u] = act4(a${j} + c);`)}
}`;
}
