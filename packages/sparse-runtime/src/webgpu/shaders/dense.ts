/**
 * The sparse-coded dense layer: `y[b, o] = act(bias[o] + Σ x[b, row] · table[code])` over the kept
 * weights of column `o`. One thread per output element; the codebook lookup happens here, in the
 * shader, on the packed words of {@link PackedColumns}.
 */
import type { Activation } from '@dc/core';
import { ENTRY, activationFn, decodeEntry } from './common.js';

/** Uniform layout of the dense program (u32 each). */
export const DENSE_PARAMS = ['total', 'rowStride', 'inDim', 'outDim'] as const;

/** WGSL of the dense program for a kernel with `codeBits` (0 = wide entries) and a fused activation. */
export function denseShader(codeBits: number, activation: Activation): string {
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, inDim: u32, outDim: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> offsets: array<u32>;
@group(0) @binding(3) var<storage, read> entries: array<u32>;
@group(0) @binding(4) var<storage, read> table: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
${activationFn(activation)}
${ENTRY}
  let o = t % p.outDim;
  let base = (t / p.outDim) * p.inDim;
  var acc = 0.0;
  for (var k = offsets[o]; k < offsets[o + 1u]; k++) {
    ${decodeEntry(codeBits)}
    acc += x[base + row] * w;
  }
  y[t] = act(acc + bias[o]);
}`;
}
