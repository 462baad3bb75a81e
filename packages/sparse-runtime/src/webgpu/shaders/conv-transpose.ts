/**
 * The transposed convolution: one thread per output element and vec4 of samples gathers what the
 * input pixels scatter into it. Output row `oy` receives kernel row `ky` of input row
 * `iy = (oy + top − ky) / sy` where that divides exactly and lies in the input (likewise columns).
 * The kernel is float32 `[kh, kw, filters, in]`; bias added, activation a later pass.
 */
import { ENTRY, NHWC_THREAD, unaryBindings } from './common.js';

/** Uniform layout of the transposed convolution (u32 each). */
export const CONV_TRANSPOSE_PARAMS = ['total', 'rowStride', 'quads', 'channels', 'outW', 'inH', 'inW', 'inC', 'kh', 'kw', 'sy', 'sx', 'top', 'left'] as const;

/** WGSL of `conv2dTranspose` (`channels` is the output's, the filters). */
export function convTransposeShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, channels: u32, outW: u32, inH: u32, inW: u32, inC: u32, kh: u32, kw: u32, sy: u32, sx: u32, top: u32, left: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${unaryBindings(false, ['kernel', 'bias']).decl}
${ENTRY}${NHWC_THREAD}
  let oy = pix / p.outW + p.top;
  let ox = pix % p.outW + p.left;
  var sum = vec4f(bias[c]);
  for (var ky = 0u; ky < p.kh; ky++) {
    if (oy < ky || (oy - ky) % p.sy != 0u) { continue; }
    let iy = (oy - ky) / p.sy;
    if (iy >= p.inH) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      if (ox < kx || (ox - kx) % p.sx != 0u) { continue; }
      let ix = (ox - kx) / p.sx;
      if (ix >= p.inW) { continue; }
      let pixel = (iy * p.inW + ix) * p.inC;
      let taps = ((ky * p.kw + kx) * p.channels + c) * p.inC;
      for (var i = 0u; i < p.inC; i++) { sum += x[(pixel + i) * p.quads + q] * kernel[taps + i]; }
    }
  }
  y[t] = sum;
}`;
}
