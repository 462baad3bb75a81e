/**
 * Standalone activations: an element-wise program (relu, sigmoid, tanh, linear) and softmax over
 * the last axis, one thread per row and vec4 of samples (max-subtracted, as tfjs computes it).
 */
import type { Activation } from '@dc/core';
import { ACT4, ENTRY, activationFn } from './common.js';

/** Uniform layout of the element-wise program (u32 each). */
export const ELEMENTWISE_PARAMS = ['total', 'rowStride', 'quads'] as const;

/** WGSL applying `activation` element by element from `x` to `y`. */
export function elementwiseShader(activation: Exclude<Activation, 'softmax'>): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
${activationFn(activation)}
${ACT4}
${ENTRY}
  y[t] = act4(x[t]);
}`;
}

/** Uniform layout of the softmax program (u32 each): a thread per row and vec4 of samples. */
export const SOFTMAX_PARAMS = ['total', 'rowStride', 'quads', 'width'] as const;

/** WGSL of softmax over rows of `p.width` values, from `x` to `y`. */
export function softmaxShader(): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, width: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
${ENTRY}
  let r = t / p.quads;
  let base = r * p.width * p.quads + (t - r * p.quads);
  var m = vec4f(-3.4028234e38);
  for (var i = 0u; i < p.width; i++) { m = max(m, x[base + i * p.quads]); }
  var s = vec4f(0.0);
  for (var i = 0u; i < p.width; i++) { let e = exp(x[base + i * p.quads] - m); y[base + i * p.quads] = e; s += e; }
  for (var i = 0u; i < p.width; i++) { y[base + i * p.quads] = y[base + i * p.quads] / s; }
}`;
}
