/**
 * Standalone activations: an element-wise program (every activation but softmax), softmax along
 * any axis (max-subtracted, as tfjs computes it), batch normalisation in inference form as a
 * per-channel affine map, PReLU, layer normalisation over the last axis, and masking. All but layer
 * normalisation have an in-place variant that reads and writes `y` (the plan lets such a node write over an
 * input no later node reads; WebGPU forbids binding one buffer twice).
 */
import { UNIT_NORM_EPSILON, type ActivationParams } from '@dc/core';
import { ACT4, activationFn, wgslFloat } from './activation.js';
import { ENTRY, unaryBindings } from './common.js';

/** Uniform layout of the element-wise program (u32 each). */
export const ELEMENTWISE_PARAMS = ['total', 'rowStride', 'quads'] as const;

/** WGSL applying `activation` element by element from `x` (or `y` in place) to `y`. */
export function elementwiseShader(activation: ActivationParams, inPlace = false): string {
  const b = unaryBindings(inPlace);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${activationFn(activation)}
${ACT4}
${ENTRY}
  y[t] = act4(${b.src}[t]);
}`;
}

/**
 * Uniform layout of the softmax program (u32 each). The tensor is seen as `[outer, axis, inner]`
 * per sample; a thread owns one `(outer, inner)` row and one vec4 of samples.
 */
export const SOFTMAX_PARAMS = ['total', 'rowStride', 'quads', 'axis', 'inner'] as const;

/** WGSL of softmax along an axis of `p.axis` values spaced `p.inner` apart, from `x` (or `y` in place) to `y`. */
export function softmaxShader(inPlace: boolean): string {
  const b = unaryBindings(inPlace);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, axis: u32, inner: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${ENTRY}
  let r = t / p.quads;
  let o = r / p.inner;
  let base = ((o * p.axis) * p.inner + (r - o * p.inner)) * p.quads + (t - r * p.quads);
  let step = p.inner * p.quads;
  var m = vec4f(-3.4028234e38);
  for (var i = 0u; i < p.axis; i++) { m = max(m, ${b.src}[base + i * step]); }
  var s = vec4f(0.0);
  for (var i = 0u; i < p.axis; i++) { let e = exp(${b.src}[base + i * step] - m); y[base + i * step] = e; s += e; }
  for (var i = 0u; i < p.axis; i++) { y[base + i * step] = y[base + i * step] / s; }
}`;
}

/** Uniform layout of the batch-norm program (u32 each). */
export const BATCH_NORM_PARAMS = ['total', 'rowStride', 'quads', 'channels'] as const;

/**
 * WGSL of inference batch normalisation over the last axis, as tfjs's kernel orders it:
 * `y = beta[c] + (x − mean[c]) · k[c]` with `k = gamma / sqrt(variance + epsilon)` computed on the
 * host in double precision.
 */
export function batchNormShader(inPlace = false): string {
  const b = unaryBindings(inPlace, ['mean', 'k', 'beta']);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, channels: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${ENTRY}
  let c = (t / p.quads) % p.channels;
  y[t] = beta[c] + (${b.src}[t] - mean[c]) * k[c];
}`;
}

/** Uniform layout of the PReLU program (u32 each). */
export const PRELU_PARAMS = ['total', 'rowStride', 'quads'] as const;

/**
 * WGSL of a parametric ReLU from `x` (or `y` in place) to `y`: `x < 0 ? alpha · x : x` as tfjs
 * computes it, `alpha` one slope per element of a sample (broadcast on the host).
 */
export function preluShader(inPlace = false): string {
  const b = unaryBindings(inPlace, ['alpha']);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${ENTRY}
  let v = ${b.src}[t];
  y[t] = select(v, alpha[t / p.quads] * v, v < vec4f(0.0));
}`;
}

/** Uniform layout of the layer-norm program (u32 each; `epsilon` holds an f32's bits). */
export const LAYER_NORM_PARAMS = ['total', 'rowStride', 'quads', 'channels', 'epsilon'] as const;

/**
 * WGSL of layer normalisation over the last axis: one thread per row of `channels` values and vec4
 * of samples takes the row's mean and biased variance, then writes
 * `(x − mean) / sqrt(variance + epsilon) · gamma[c] + beta[c]`.
 */
export function layerNormShader(): string {
  const b = unaryBindings(false, ['gamma', 'beta']);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, channels: u32, epsilon: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${ENTRY}
  let row = t / p.quads;
  let base = row * p.channels * p.quads + (t - row * p.quads);
  var mean = vec4f(0.0);
  for (var c = 0u; c < p.channels; c++) { mean += x[base + c * p.quads]; }
  mean /= f32(p.channels);
  var variance = vec4f(0.0);
  for (var c = 0u; c < p.channels; c++) { let d = x[base + c * p.quads] - mean; variance += d * d; }
  let inv = inverseSqrt(variance / f32(p.channels) + bitcast<f32>(p.epsilon));
  for (var c = 0u; c < p.channels; c++) { y[base + c * p.quads] = (x[base + c * p.quads] - mean) * inv * gamma[c] + beta[c]; }
}`;
}

/** Uniform layout of the group-normalisation program (u32 each; `epsilon` holds an f32's bits). */
export const GROUP_NORM_PARAMS = ['total', 'rowStride', 'quads', 'channels', 'width', 'positions', 'epsilon'] as const;

/**
 * WGSL of Keras' `GroupNormalization` from `x` to `y`: one thread per group and vec4 of samples, over
 * every position and the group's `width` channels of `channels`: mean, biased variance, then
 * `(x − mean) · inverseSqrt(variance + epsilon) · gamma + beta` per channel.
 */
export function groupNormShader(): string {
  const b = unaryBindings(false, ['gamma', 'beta']);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, channels: u32, width: u32, positions: u32, epsilon: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${ENTRY}
  let g = t / p.quads;
  let q = t - g * p.quads;
  let count = f32(p.positions * p.width);
  var mean = vec4f(0.0);
  for (var i = 0u; i < p.positions; i++) { for (var j = 0u; j < p.width; j++) { mean += x[(i * p.channels + g * p.width + j) * p.quads + q]; } }
  mean /= count;
  var variance = vec4f(0.0);
  for (var i = 0u; i < p.positions; i++) { for (var j = 0u; j < p.width; j++) { let d = x[(i * p.channels + g * p.width + j) * p.quads + q] - mean; variance += d * d; } }
  let inv = inverseSqrt(variance / count + bitcast<f32>(p.epsilon));
  for (var i = 0u; i < p.positions; i++) {
    for (var j = 0u; j < p.width; j++) {
      let c = g * p.width + j;
      let at = (i * p.channels + c) * p.quads + q;
      y[at] = (x[at] - mean) * inv * gamma[c] + beta[c];
    }
  }
}`;
}

/** Uniform layout of the unit-normalisation program (u32 each). */
export const UNIT_NORM_PARAMS = ['total', 'rowStride', 'quads', 'channels'] as const;

/**
 * WGSL of Keras' `UnitNormalization` from `x` to `y`: one thread per row of `channels` values and
 * vec4 of samples, `x · inverseSqrt(max(Σ x², 1e-12))` (TensorFlow's `l2_normalize`).
 */
export function unitNormShader(): string {
  const b = unaryBindings(false);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, channels: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${ENTRY}
  let row = t / p.quads;
  let base = row * p.channels * p.quads + (t - row * p.quads);
  var squares = vec4f(0.0);
  for (var c = 0u; c < p.channels; c++) { let v = x[base + c * p.quads]; squares += v * v; }
  let inv = inverseSqrt(max(squares, vec4f(${wgslFloat(UNIT_NORM_EPSILON)})));
  for (var c = 0u; c < p.channels; c++) { y[base + c * p.quads] = x[base + c * p.quads] * inv; }
}`;
}

/** Uniform layout of the masking program (u32 each; `maskValue` holds an f32's bits). */
export const MASKING_PARAMS = ['total', 'rowStride', 'quads', 'channels', 'maskValue'] as const;

/**
 * WGSL of tfjs's `Masking` from `x` (or `y` in place) to `y`: one thread per row of `channels`
 * values and vec4 of samples multiplies the row by 0 where every value equals the mask value and
 * by 1 elsewhere (so −1s become −0s, as in tfjs).
 */
export function maskingShader(inPlace = false): string {
  const b = unaryBindings(inPlace);
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, channels: u32, maskValue: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${ENTRY}
  let row = t / p.quads;
  let base = row * p.channels * p.quads + (t - row * p.quads);
  let v = vec4f(bitcast<f32>(p.maskValue));
  var kept = vec4<bool>(false);
  for (var c = 0u; c < p.channels; c++) { kept = kept | (${b.src}[base + c * p.quads] != v); }
  let keep = select(vec4f(0.0), vec4f(1.0), kept);
  for (var c = 0u; c < p.channels; c++) { y[base + c * p.quads] = ${b.src}[base + c * p.quads] * keep; }
}`;
}
