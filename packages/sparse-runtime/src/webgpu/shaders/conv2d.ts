/**
 * The sparse-coded 2-D convolution (channels last, strides, SAME/VALID padding as in tfjs). A
 * thread owns one output element `(oy, ox, co)` and `q` vec4 of samples; it walks the kept weights
 * of filter `co`, each packed row being `(ky·kw + kx)·cin + ci`, with the codebook lookup in the
 * shader. `taps[row]` holds `ky | kx << 8 | ci << 16`, precomputed on the host so the inner loop
 * does no integer division. Out-of-image taps (padding) are skipped.
 */
import type { Activation } from '@dc/core';
import { ACT4, ENTRY, SPARSE_CODED_BINDINGS, activationFn, decodeEntry, unroll } from './common.js';

/** Uniform layout of the conv2d program (u32 each; the pads are non-negative). */
export const CONV2D_PARAMS = [
  'total', 'rowStride', 'quads', 'inH', 'inW', 'inC', 'outH', 'outW', 'outC',
  'strideY', 'strideX', 'padTop', 'padLeft',
] as const;

/** WGSL of the conv2d program: `codeBits` (0 = wide entries), fused activation, `q` vec4 of samples per thread. */
export function conv2dShader(codeBits: number, activation: Activation, q: number): string {
  return /* wgsl */ `
struct Params {
  total: u32, rowStride: u32, quads: u32, inH: u32, inW: u32, inC: u32, outH: u32, outW: u32, outC: u32,
  strideY: u32, strideX: u32, padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;${SPARSE_CODED_BINDINGS}
@group(0) @binding(6) var<storage, read> taps: array<u32>;
@group(0) @binding(7) var<storage, read_write> y: array<vec4f>;
${activationFn(activation)}
${ACT4}
${ENTRY}
  let blocks = p.quads / ${q}u;
  let f = t / blocks;
  let q0 = (t - f * blocks) * ${q}u;
  let co = f % p.outC;
  let pix = f / p.outC;
  // Window origin in padded coordinates; an input pixel is (y0 + ky − padTop, x0 + kx − padLeft).
  let y0 = (pix / p.outW) * p.strideY;
  let x0 = (pix % p.outW) * p.strideX;
  ${unroll(q, (j) => `var a${j} = vec4f(0.0);`)}
  for (var k = offsets[co]; k < offsets[co + 1u]; k++) {
    ${decodeEntry(codeBits)}
    let tap = taps[row];
    let ci = tap >> 16u;
    let iy = y0 + (tap & 255u);
    let ix = x0 + ((tap >> 8u) & 255u);
    if (iy >= p.padTop && ix >= p.padLeft && iy - p.padTop < p.inH && ix - p.padLeft < p.inW) {
      let i = (((iy - p.padTop) * p.inW + ix - p.padLeft) * p.inC + ci) * p.quads + q0;
      ${unroll(q, (j) => `a${j} += x[i + ${j}u] * w;`)}
    }
  }
  let c = bias[co];
  let at = f * p.quads + q0;
  ${unroll(q, (j) => `y[at + ${j}u] = act4(a${j} + c);`)}
}`;
}
