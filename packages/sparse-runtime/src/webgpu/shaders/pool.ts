/**
 * Max and average pooling, channels last, with tfjs's SAME/VALID padding. Average pooling divides
 * by the number of window elements inside the input (padding is not counted), as TensorFlow does.
 */
import { ENTRY } from './common.js';

/** Uniform layout of the pooling program (u32 each). */
export const POOL_PARAMS = [
  'total', 'rowStride', 'inH', 'inW', 'channels', 'outH', 'outW',
  'poolH', 'poolW', 'strideY', 'strideX', 'padTop', 'padLeft',
] as const;

/** WGSL of max (`'max'`) or average (`'avg'`) pooling. */
export function poolShader(kind: 'max' | 'avg'): string {
  const init = kind === 'max' ? '-3.4028234e38' : '0.0';
  const step = kind === 'max' ? 'acc = max(acc, v);' : 'acc += v;';
  const result = kind === 'max' ? 'acc' : 'acc / f32(max(count, 1u))';
  return /* wgsl */ `
struct Params {
  total: u32, rowStride: u32, inH: u32, inW: u32, channels: u32, outH: u32, outW: u32,
  poolH: u32, poolW: u32, strideY: u32, strideX: u32, padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
${ENTRY}
  let c = t % p.channels;
  var r = t / p.channels;
  let ox = r % p.outW;
  r = r / p.outW;
  let oy = r % p.outH;
  let b = r / p.outH;
  var acc: f32 = ${init};
  var count = 0u;
  for (var ky = 0u; ky < p.poolH; ky++) {
    let iy = oy * p.strideY + ky;
    if (iy < p.padTop || iy - p.padTop >= p.inH) { continue; }
    for (var kx = 0u; kx < p.poolW; kx++) {
      let ix = ox * p.strideX + kx;
      if (ix < p.padLeft || ix - p.padLeft >= p.inW) { continue; }
      let v = x[((b * p.inH + iy - p.padTop) * p.inW + ix - p.padLeft) * p.channels + c];
      ${step}
      count++;
    }
  }
  y[t] = ${result};
}`;
}
