/**
 * Every activation of core's table, applied in place with the formulas tfjs's cpu backend uses
 * (its erf approximation for gelu, its selu constants, its softplus thresholds, hardSigmoid
 * `0.2x + 0.5` clipped), each computed in float64 and rounded once to float32.
 */
import { activationParams, type Activation, type ActivationParams, type Shape } from '@dc/core';
import { clampInWasm } from './wasm/wasm-clamp.js';
import { clampModule } from './wasm/wasm-modules.js';

// tfjs-core's backend_util constants (erf: Abramowitz & Stegun 7.1.26; selu: Klambauer et al.).
const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429] as const;
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;
const SOFTPLUS_THRESHOLD = Math.log(1.1920928955078125e-7) + 2;
const HARD_SIGMOID_SLOPE = Math.fround(0.2);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** tfjs cpu's `erf`. */
export function erf(x: number): number {
  const v = Math.abs(x);
  const t = 1 / (1 + ERF_P * v);
  return Math.sign(x) * (1 - ((((ERF_A[4] * t + ERF_A[3]) * t + ERF_A[2]) * t + ERF_A[1]) * t + ERF_A[0]) * t * Math.exp(-v * v));
}

/** tfjs cpu's `softplus`. */
export function softplus(x: number): number {
  if (x < SOFTPLUS_THRESHOLD) return Math.exp(x);
  if (x > -SOFTPLUS_THRESHOLD) return x;
  return Math.log(1 + Math.exp(x));
}

/** Buffers shorter than this are clamped in JavaScript (the copy in and out is not worth it). */
const WASM_CLAMP_MIN = 256;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The element-wise function of an activation (softmax excluded), or null for `linear`. */
export function elementwise(p: ActivationParams): ((x: number) => number) | null {
  switch (p.activation) {
    case 'linear': return null;
    case 'relu': return p.maxValue === Infinity ? (x) => (x < 0 ? 0 : x) : (x) => Math.min(x < 0 ? 0 : x, p.maxValue);
    case 'relu6': return (x) => Math.min(x < 0 ? 0 : x, 6);
    case 'leakyRelu': return (x) => (x < 0 ? p.alpha * x : x);
    // tfjs's x · (x > theta): -0 for a negative x, NaN for -Infinity, as tfjs gives.
    case 'thresholdedRelu': return (x) => (x > p.theta ? x : x * 0);
    case 'elu': return (x) => (x >= 0 ? x : Math.exp(x) - 1);
    case 'selu': return (x) => (x >= 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * (Math.exp(x) - 1));
    case 'sigmoid': return sigmoid;
    case 'hardSigmoid': return (x) => Math.min(Math.max(HARD_SIGMOID_SLOPE * x + 0.5, 0), 1);
    case 'tanh': return Math.tanh;
    case 'softplus': return softplus;
    case 'softsign': return (x) => x / (Math.abs(x) + 1);
    case 'swish': return (x) => sigmoid(x) * x;
    case 'mish': return (x) => x * Math.tanh(softplus(x));
    case 'gelu': return (x) => x * 0.5 * (1 + erf(x / Math.SQRT2));
    case 'gelu_new': return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    case 'hard_silu': return (x) => x * (Math.min(Math.max(x + 3, 0), 6) / 6);
    case 'softmax': throw new Error('unreachable: softmax is not element-wise');
  }
}

/**
 * Softmax in place over axis `axis` (counted with batch as 0, negative from the end) of a batch of
 * samples of `shape`: subtract the maximum, exponentiate, divide by the sum.
 */
export function softmaxInPlace(data: Float32Array, shape: Shape, axis: number): void {
  const a = (axis < 0 ? axis + shape.length + 1 : axis) - 1;
  const len = shape[a];
  const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
  const row = new Float64Array(len);
  for (let base = 0; base < data.length; base += len * inner) {
    for (let j = 0; j < inner; j++) {
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, data[base + k * inner + j]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += row[k] = Math.exp(data[base + k * inner + j] - max);
      for (let k = 0; k < len; k++) data[base + k * inner + j] = row[k] / sum;
    }
  }
}

/**
 * The upper bound of a relu-family activation (`relu`: its `maxValue`, Infinity by default;
 * `relu6`: 6), which the WASM kernels clamp to as they store their outputs; null for any other.
 */
export function reluBound(p: ActivationParams | null): number | null {
  if (p?.activation === 'relu6') return 6;
  return p?.activation === 'relu' ? p.maxValue : null;
}

/**
 * Whether {@link applyActivation} clamps a relu-family activation over a buffer of `length`
 * elements in WASM (which stores -0 as +0; the JavaScript loop for short buffers keeps -0): a
 * kernel that clamps in WASM itself does so where this holds, to store the same bits.
 */
export function clampsInWasm(length: number): boolean {
  return length >= WASM_CLAMP_MIN && clampModule() !== null;
}

/** `y[i] = min(max(y[i], 0), hi)` in place, as the WASM kernels store it (except that -0 stays -0, NaN stays NaN). */
export function clampRelu(y: Float32Array, hi: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i] < 0 ? 0 : y[i];
    y[i] = v > hi ? hi : v;
  }
}

/**
 * Applies `activation` in place to a batch of samples of `shape` (per sample, without the batch
 * axis; a number is the last axis's length, enough for all but softmax over another axis).
 */
export function applyActivation(data: Float32Array, activation: ActivationParams | Activation | null, shape: Shape | number): void {
  const p = typeof activation === 'string' ? activationParams(activation) : activation;
  if (!p || p.activation === 'linear') return;
  if (typeof shape === 'number') shape = [shape];
  if (p.activation === 'softmax') return softmaxInPlace(data, shape, p.axis);
  // relu and relu6 over a large buffer: WASM SIMD (a JavaScript loop here cost a MobileNet more
  // than its convolutions). Same values, except that -0 becomes +0, as in the fused kernels.
  const hi = reluBound(p);
  if (hi !== null && data.length >= WASM_CLAMP_MIN && clampInWasm(data, hi)) return;
  const f = elementwise(p)!;
  for (let i = 0; i < data.length; i++) data[i] = f(data[i]);
}

/** Writes `bias` (or zeros) into each of `rows` rows of `out` (`cols` wide). */
export function fillBias(out: Float32Array, rows: number, cols: number, bias: Float32Array | undefined): void {
  if (!bias) {
    out.fill(0);
    return;
  }
  for (let b = 0; b < rows; b++) out.set(bias, b * cols);
}
