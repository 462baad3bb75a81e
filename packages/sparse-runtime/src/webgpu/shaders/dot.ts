/**
 * `dot` nodes (tfjs's `Dot` layer): one thread per output element and vec4 of samples sums the
 * products of the first input's row `i` and the second's row `j` along the summed axis (strides
 * from core's `dotGeometry`); with `normalize`, it first takes both rows' L2 norms,
 * `sqrt(max(Σ v², 1e-7))`, and divides each value by its row's norm before the product, as tfjs's
 * `l2Normalize` does.
 */
import { DOT_NORM_EPSILON } from '@dc/core';
import { wgslFloat } from './activation.js';
import { ENTRY } from './common.js';

/** Uniform layout of the dot program (u32 each): output columns, summed extent, each input's strides along its kept and summed axes. */
export const DOT_PARAMS = ['total', 'rowStride', 'quads', 'cols', 'depth', 'firstFree', 'firstSum', 'secondFree', 'secondSum'] as const;

/** WGSL of a `dot` node, normalising both inputs' rows first when `normalize`. */
export function dotShader(normalize: boolean): string {
  const epsilon = wgslFloat(Math.fround(DOT_NORM_EPSILON));
  const norms = /* wgsl */ `
  var na = vec4f(0.0);
  var nb = vec4f(0.0);
  for (var k = 0u; k < p.depth; k++) {
    let va = a[(ia + k * p.firstSum) * p.quads + q];
    let vb = b[(ib + k * p.secondSum) * p.quads + q];
    na += va * va;
    nb += vb * vb;
  }
  na = sqrt(max(na, vec4f(${epsilon})));
  nb = sqrt(max(nb, vec4f(${epsilon})));`;
  const [ua, ub] = normalize ? ['a[(ia + k * p.firstSum) * p.quads + q] / na', 'b[(ib + k * p.secondSum) * p.quads + q] / nb'] : ['a[(ia + k * p.firstSum) * p.quads + q]', 'b[(ib + k * p.secondSum) * p.quads + q]'];
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, cols: u32, depth: u32, firstFree: u32, firstSum: u32, secondFree: u32, secondSum: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
${ENTRY}
  let f = t / p.quads;
  let q = t - f * p.quads;
  let i = f / p.cols;
  let ia = i * p.firstFree;
  let ib = (f - i * p.cols) * p.secondFree;${normalize ? norms : ''}
  var acc = vec4f(0.0);
  for (var k = 0u; k < p.depth; k++) { acc += (${ua}) * (${ub}); }
  y[t] = acc;
}`;
}
