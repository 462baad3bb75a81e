/**
 * Programs that only move values: zero padding and cropping of images (one shifted copy), permute
 * and nearest upsampling and resizing (a gather through a per-sample index table built on the
 * host), bilinear upsampling and resizing (four neighbours weighted by per-axis tables) and
 * concatenation (each input copied into its slice of the output), embedding lookups (a row of a
 * table per id). One thread per element written and vec4 of samples.
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

/** WGSL of `y[f] = x[source[f]]` per sample: permute, nearest upsampling and resizing. */
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

/** Uniform layout of the bilinear upsampling and resizing program (u32 each). */
export const BILINEAR_PARAMS = ['total', 'rowStride', 'quads', 'channels', 'inW', 'outW', 'outH'] as const;

/**
 * WGSL of bilinear upsampling or resizing of `[inH, inW, c]` to `[outH, outW, c]`: `pairs` holds
 * each output row's two input rows, then each output column's two input columns; `fracs` the
 * weight of the second of each pair. Interpolated along columns, then rows, as tfjs's `resizeBilinear`.
 */
export function bilinearShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, channels: u32, inW: u32, outW: u32, outH: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> pairs: array<u32>;
@group(0) @binding(3) var<storage, read> fracs: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4f>;
fn at(row: u32, col: u32, c: u32, q: u32) -> vec4f {
  return x[((row * p.inW + col) * p.channels + c) * p.quads + q];
}
${ENTRY}${NHWC_THREAD}
  let oy = pix / p.outW;
  let ox = pix % p.outW;
  let cx = p.outH + ox;
  let top = at(pairs[2u * oy], pairs[2u * cx], c, q);
  let upper = top + (at(pairs[2u * oy], pairs[2u * cx + 1u], c, q) - top) * fracs[cx];
  let bottom = at(pairs[2u * oy + 1u], pairs[2u * cx], c, q);
  let lower = bottom + (at(pairs[2u * oy + 1u], pairs[2u * cx + 1u], c, q) - bottom) * fracs[cx];
  y[t] = upper + (lower - upper) * fracs[oy];
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

/** Uniform layout of the embedding lookup (u32 each). */
export const EMBEDDING_PARAMS = ['total', 'rowStride', 'quads', 'width', 'rows'] as const;

/**
 * WGSL of an embedding: output element `f = i · width + j` is entry `j` of the table row that id
 * `i` (truncated toward zero) picks, or 0 for an id outside `[0, rows)` or NaN (comparisons false).
 */
export function embeddingShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, width: u32, rows: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${unaryBindings(false, ['table']).decl}
${ENTRY}
  let f = t / p.quads;
  let q = t - f * p.quads;
  let i = f / p.width;
  let j = f - i * p.width;
  let ids = trunc(x[i * p.quads + q]);
  var out = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    if (ids[l] >= 0.0 && ids[l] < f32(p.rows)) { out[l] = table[u32(ids[l]) * p.width + j]; }
  }
  y[t] = out;
}`;
}
