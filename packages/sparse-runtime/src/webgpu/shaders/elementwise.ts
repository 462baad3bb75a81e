/**
 * Standalone activations: an element-wise program (relu, sigmoid, tanh, linear) and softmax over
 * the last axis, one thread per row (max-subtracted, as tfjs computes it).
 */
import type { Activation } from '@dc/core';
import { ENTRY, activationFn } from './common.js';

/** Uniform layout of the element-wise program (u32 each). */
export const ELEMENTWISE_PARAMS = ['total', 'rowStride'] as const;

/** WGSL applying `activation` element by element from `x` to `y`. */
export function elementwiseShader(activation: Exclude<Activation, 'softmax'>): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
${activationFn(activation)}
${ENTRY}
  y[t] = act(x[t]);
}`;
}

/** Uniform layout of the softmax program (u32 each): `total` counts rows. */
export const SOFTMAX_PARAMS = ['total', 'rowStride', 'width'] as const;

/** WGSL of softmax over rows of `p.width` values, from `x` to `y`. */
export function softmaxShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, width: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
${ENTRY}
  let base = t * p.width;
  var m = -3.4028234e38;
  for (var i = 0u; i < p.width; i++) { m = max(m, x[base + i]); }
  var s = 0.0;
  for (var i = 0u; i < p.width; i++) { let e = exp(x[base + i] - m); y[base + i] = e; s += e; }
  for (var i = 0u; i < p.width; i++) { y[base + i] = y[base + i] / s; }
}`;
}
