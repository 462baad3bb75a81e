/**
 * Activations in WGSL, with tfjs's formulas (docs/format.md §7): `act(v)` for one value, `act4`
 * for a vec4 of samples. Parameters (leakyRelu's alpha, relu's maxValue, thresholdedRelu's theta)
 * are baked into the source as literals, so every distinct value is its own program. The formulas avoid overflow and
 * cancellation where f32 would lose what tfjs's float64 kernels keep: sigmoid never takes exp of a
 * large positive value, elu/selu use an accurate e^x − 1, softplus an accurate ln(1 + e^x) with
 * tfjs's thresholds, and erf is the Abramowitz–Stegun 7.1.26 polynomial tfjs-core itself uses.
 */
import type { ActivationParams } from '@dc/core';

/** A WGSL float literal for `x` (finite; abstract-float, converted to f32 where used). */
export function wgslFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`unreachable: non-finite constant ${x} in a WGSL program`);
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Helper functions, each with the helpers it calls. */
const HELPERS: Readonly<Record<string, { readonly uses: readonly string[]; readonly code: string }>> = {
  // sign(v)·(1 − e)/(1 + e) with e = exp(−2|v|) never overflows; below |v| = 0.125 the Taylor
  // series (to v⁷) avoids the cancellation in 1 − e. Both keep the relative error near 1e-7.
  tanh_: {
    uses: [],
    code: `fn tanh_(v: f32) -> f32 {
  let a = abs(v);
  if (a < 0.125) { let s = v * v; return v * (1.0 + s * (-1.0 / 3.0 + s * (2.0 / 15.0 + s * (-17.0 / 315.0)))); }
  let e = exp(-2.0 * a);
  return sign(v) * (1.0 - e) / (1.0 + e);
}`,
  },
  sigmoid_: { uses: [], code: 'fn sigmoid_(v: f32) -> f32 { if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); } let e = exp(v); return e / (1.0 + e); }' },
  // e^v − 1 without cancellation near 0 (Kahan: (u − 1)·v / ln u).
  expm1_: { uses: [], code: 'fn expm1_(v: f32) -> f32 { let u = exp(v); if (u == 1.0) { return v; } let d = u - 1.0; if (d == -1.0) { return -1.0; } return d * v / log(u); }' },
  // ln(1 + e) without losing a small e (Goldberg: ln(u)·e / (u − 1) with u = 1 + e).
  log1p_: { uses: [], code: 'fn log1p_(e: f32) -> f32 { let u = 1.0 + e; if (u == 1.0) { return e; } return log(u) * e / (u - 1.0); }' },
  // tfjs's thresholds: ln(2^−23) + 2 and its negation.
  softplus_: {
    uses: ['log1p_'],
    code: `fn softplus_(v: f32) -> f32 {
  let threshold = ${wgslFloat(Math.log(1.1920928955078125e-7) + 2)};
  if (v < threshold) { return exp(v); }
  if (v > -threshold) { return v; }
  return log1p_(exp(v));
}`,
  },
  erf_: {
    uses: [],
    code: `fn erf_(x: f32) -> f32 {
  let v = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * v);
  let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign(x) * (1.0 - poly * exp(-v * v));
}`,
  },
};

/** The body of `act` and the helpers it needs. */
function body(p: ActivationParams): { expr: string; uses: string[] } {
  switch (p.activation) {
    case 'linear':
    case 'softmax':
      return { expr: 'v', uses: [] };
    case 'relu':
      return { expr: Number.isFinite(p.maxValue) ? `min(max(v, 0.0), ${wgslFloat(p.maxValue)})` : 'max(v, 0.0)', uses: [] };
    case 'relu6':
      return { expr: 'min(max(v, 0.0), 6.0)', uses: [] };
    case 'leakyRelu':
      return { expr: `select(v, ${wgslFloat(p.alpha)} * v, v < 0.0)`, uses: [] };
    case 'thresholdedRelu':
      return { expr: `select(v * 0.0, v, v > ${wgslFloat(p.theta)})`, uses: [] };
    case 'elu':
      return { expr: 'select(expm1_(v), v, v >= 0.0)', uses: ['expm1_'] };
    case 'selu':
      return { expr: 'select(1.7580993408473768 * expm1_(v), 1.0507009873554805 * v, v >= 0.0)', uses: ['expm1_'] };
    case 'sigmoid':
      return { expr: 'sigmoid_(v)', uses: ['sigmoid_'] };
    case 'hardSigmoid':
      return { expr: 'clamp(0.2 * v + 0.5, 0.0, 1.0)', uses: [] };
    case 'tanh':
      return { expr: 'tanh_(v)', uses: ['tanh_'] };
    case 'softplus':
      return { expr: 'softplus_(v)', uses: ['softplus_'] };
    case 'softsign':
      return { expr: 'v / (abs(v) + 1.0)', uses: [] };
    case 'swish':
      return { expr: 'sigmoid_(v) * v', uses: ['sigmoid_'] };
    case 'mish':
      return { expr: 'v * tanh_(softplus_(v))', uses: ['tanh_', 'softplus_'] };
    case 'gelu':
      return { expr: `v * (0.5 * (1.0 + erf_(v / ${wgslFloat(Math.SQRT2)})))`, uses: ['erf_'] };
    case 'gelu_new':
      return { expr: `0.5 * (v * (1.0 + tanh_(${wgslFloat(Math.sqrt(2 / Math.PI))} * (v + 0.044715 * (v * v * v)))))`, uses: ['tanh_'] };
    case 'hard_silu':
      return { expr: 'v * (clamp(v + 3.0, 0.0, 6.0) / 6.0)', uses: [] };
  }
}

/** WGSL `fn act(v: f32) -> f32` (and its helpers) for an element-wise activation; softmax is a pass of its own, so here it is the identity. */
export function activationFn(p: ActivationParams): string {
  return activationFns({ act: p });
}

/** WGSL `fn <name>(v: f32) -> f32` for each named activation (see {@link activationFn}), their helpers once. */
export function activationFns(named: Readonly<Record<string, ActivationParams>>): string {
  const bodies = Object.entries(named).map(([name, p]) => ({ name, ...body(p) }));
  const needed: string[] = [];
  const add = (name: string) => {
    if (needed.includes(name)) return;
    HELPERS[name].uses.forEach(add);
    needed.push(name);
  };
  for (const b of bodies) b.uses.forEach(add);
  return [...needed.map((n) => HELPERS[n].code), ...bodies.map((b) => `fn ${b.name}(v: f32) -> f32 { return ${b.expr}; }`)].join('\n');
}

/** WGSL `fn act4(v: vec4f) -> vec4f`: {@link activationFn}'s `act` on each sample of a vec4. */
export const ACT4 = 'fn act4(v: vec4f) -> vec4f { return vec4f(act(v.x), act(v.y), act(v.z), act(v.w)); }';
