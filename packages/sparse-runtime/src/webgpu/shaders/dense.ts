/**
 * The sparse-coded dense layer: `y[b, o] = act(bias[o] + Σ x[b, row] · table[code])` over the kept
 * weights of column `o`. A thread owns one output unit and `q` vec4 of samples (see common.ts): it
 * walks the column's packed words once, looks each weight up in the codebook, here in the shader,
 * and applies it to all its samples.
 */
import type { ActivationParams } from '@dc/core';
import { ACT4, activationFn } from './activation.js';
import { ENTRY, SPARSE_CODED_BINDINGS, decodeEntry, unroll } from './common.js';

/** Uniform layout of the dense program (u32 each). */
export const DENSE_PARAMS = ['total', 'rowStride', 'quads', 'inDim', 'outDim'] as const;

/** WGSL of the dense program: `codeBits` (0 = wide entries), fused activation, `q` vec4 of samples per thread. */
export function denseShader(codeBits: number, activation: ActivationParams, q: number): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, inDim: u32, outDim: u32 }
@group(0) @binding(0) var<uniform> p: Params;${SPARSE_CODED_BINDINGS}
@group(0) @binding(6) var<storage, read_write> y: array<vec4f>;
${activationFn(activation)}
${ACT4}
${ENTRY}
  let blocks = p.quads / ${q}u;
  let o = t / blocks;
  let q0 = (t - o * blocks) * ${q}u;
  ${unroll(q, (j) => `var a${j} = vec4f(0.0);`)}
  for (var k = offsets[o]; k < offsets[o + 1u]; k++) {
    ${decodeEntry(codeBits)}
    let i = row * p.quads + q0;
    ${unroll(q, (j) => `a${j} += x[i + ${j}u] * w;`)}
  }
  let c = bias[o];
  let at = o * p.quads + q0;
  ${unroll(q, (j) => `y[at + ${j}u] = act4(a${j} + c);`)}
}`;
}
