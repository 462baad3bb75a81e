/**
 * Max and average pooling, windowed (tfjs's SAME/VALID padding) and global, channels last; one
 * thread per output element and vec4 of samples. Windowed average pooling divides by the number of
 * window elements inside the input (padding is not counted), as TensorFlow does.
 */
import { ENTRY, NHWC_THREAD, unaryBindings } from './common.js';

/** Uniform layout of the pooling program (u32 each). */
export const POOL_PARAMS = [
  'total', 'rowStride', 'quads', 'inH', 'inW', 'channels', 'outH', 'outW',
  'poolH', 'poolW', 'strideY', 'strideX', 'padTop', 'padLeft',
] as const;

/** WGSL of max (`'max'`) or average (`'avg'`) pooling. */
export function poolShader(kind: 'max' | 'avg'): string {
  const init = kind === 'max' ? 'vec4f(-3.4028234e38)' : 'vec4f(0.0)';
  const step = kind === 'max' ? 'acc = max(acc, v);' : 'acc += v;';
  const result = kind === 'max' ? 'acc' : 'acc / f32(max(count, 1u))';
  return /* wgsl */ `
struct Params {
  total: u32, rowStride: u32, quads: u32, inH: u32, inW: u32, channels: u32, outH: u32, outW: u32,
  poolH: u32, poolW: u32, strideY: u32, strideX: u32, padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
${unaryBindings().decl}
${ENTRY}${NHWC_THREAD}
  let y0 = (pix / p.outW) * p.strideY;
  let x0 = (pix % p.outW) * p.strideX;
  var acc = ${init};
  var count = 0u;
  for (var ky = 0u; ky < p.poolH; ky++) {
    let iy = y0 + ky;
    if (iy < p.padTop || iy - p.padTop >= p.inH) { continue; }
    for (var kx = 0u; kx < p.poolW; kx++) {
      let ix = x0 + kx;
      if (ix < p.padLeft || ix - p.padLeft >= p.inW) { continue; }
      let v = x[(((iy - p.padTop) * p.inW + ix - p.padLeft) * p.channels + c) * p.quads + q];
      ${step}
      count++;
    }
  }
  y[t] = ${result};
}`;
}

/** Uniform layout of the global pooling program (u32 each). */
export const GLOBAL_POOL_PARAMS = ['total', 'rowStride', 'quads', 'pixels', 'channels'] as const;

/**
 * WGSL of global max (`'max'`) or average (`'avg'`) pooling, `[h, w, c]` → `[c]`; one thread per
 * channel and vec4 of samples. The average adds `x / (h·w)` term by term, as tfjs's `mean` does.
 */
export function globalPoolShader(kind: 'max' | 'avg'): string {
  const init = kind === 'max' ? 'vec4f(-3.4028234e38)' : 'vec4f(0.0)';
  const step = kind === 'max' ? 'acc = max(acc, v);' : 'acc += v / n;';
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, pixels: u32, channels: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${unaryBindings().decl}
${ENTRY}
  let c = t / p.quads;
  let q = t - c * p.quads;
  let n = f32(p.pixels);
  var acc = ${init};
  for (var i = 0u; i < p.pixels; i++) {
    let v = x[(i * p.channels + c) * p.quads + q];
    ${step}
  }
  y[t] = acc;
}`;
}
