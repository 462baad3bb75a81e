/**
 * Programs that only move values: zero padding and cropping of images (one shifted copy), permute
 * (a gather through a per-sample index table built on the host) and concatenation (each input
 * copied into its slice of the output). One thread per element written and vec4 of samples.
 */
import { ENTRY, NHWC_THREAD, unaryBindings } from './common.js';

/** Uniform layout of the shifted copy (`shiftY`/`shiftX` are i32: padding is negative, cropping positive). */
export const SHIFT2D_PARAMS = ['total', 'rowStride', 'quads', 'inH', 'inW', 'channels', 'outW', 'shiftY', 'shiftX'] as const;

/** WGSL of `y[oy, ox, c] = x[oy + shiftY, ox + shiftX, c]`, 0 outside the input: zeroPadding2d and cropping2d. */
export function shift2dShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, inH: u32, inW: u32, channels: u32, outW: u32, shiftY: i32, shiftX: i32 }
@group(0) @binding(0) var<uniform> p: Params;
${unaryBindings().decl}
${ENTRY}${NHWC_THREAD}
  let iy = i32(pix / p.outW) + p.shiftY;
  let ix = i32(pix % p.outW) + p.shiftX;
  if (iy < 0 || ix < 0 || iy >= i32(p.inH) || ix >= i32(p.inW)) { y[t] = vec4f(0.0); return; }
  y[t] = x[((u32(iy) * p.inW + u32(ix)) * p.channels + c) * p.quads + q];
}`;
}

/** Uniform layout of the gather program (u32 each). */
export const GATHER_PARAMS = ['total', 'rowStride', 'quads'] as const;

/** WGSL of `y[f] = x[source[f]]` per sample: permute. */
export function gatherShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> source: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
${ENTRY}
  let f = t / p.quads;
  y[t] = x[source[f] * p.quads + (t - f * p.quads)];
}`;
}

/**
 * Uniform layout of the concatenation program (u32 each). Per sample, the input is `[outer, inner]`
 * and the output `[outer, outInner]`; the input's columns start at `offset`.
 */
export const PLACE_PARAMS = ['total', 'rowStride', 'quads', 'inner', 'outInner', 'offset'] as const;

/** WGSL copying one input of a concatenation into its slice of `y`; one thread per input element. */
export function placeShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, inner: u32, outInner: u32, offset: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${unaryBindings().decl}
${ENTRY}
  let f = t / p.quads;
  let o = f / p.inner;
  y[(o * p.outInner + p.offset + f - o * p.inner) * p.quads + (t - f * p.quads)] = x[t];
}`;
}
