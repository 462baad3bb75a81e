/**
 * Element-wise merges of equal-shaped inputs (`add`, `subtract`, `multiply`, `average`, `maximum`,
 * `minimum`), folded left to right as tfjs's merge layers do (`average` sums, then multiplies by
 * `1/n`). A program reads up to {@link MERGE_INPUTS_PER_PASS} inputs; a node with more runs further
 * passes that start from what `y` already holds. An operand may also be `y` itself: the input the
 * node writes over in place.
 */
import type { MergeConfig } from '@dc/core';
import { wgslFloat } from './activation.js';
import { ENTRY } from './common.js';

/** Most inputs one merge program binds (WebGPU guarantees 8 storage buffers per stage: inputs + output). */
export const MERGE_INPUTS_PER_PASS = 6;

/** Uniform layout of the merge program (u32 each). */
export const MERGE_PARAMS = ['total', 'rowStride', 'quads'] as const;

/** What a merge program does. */
export interface MergeShaderOptions {
  readonly kind: MergeConfig['kind'];
  /** Inputs bound (`x0`, `x1`, ...; up to {@link MERGE_INPUTS_PER_PASS}). */
  readonly inputs: number;
  /** The operands folded left to right: a bound input's index, or `'y'` for what the output buffer holds. */
  readonly operands: ReadonlyArray<number | 'y'>;
  /** A factor applied at the end (`average`'s `1/n` on the last pass), or undefined. */
  readonly scale?: number;
}

function combine(kind: MergeConfig['kind'], a: string, b: string): string {
  switch (kind) {
    case 'add':
    case 'average':
      return `${a} + ${b}`;
    case 'subtract':
      return `${a} - ${b}`;
    case 'multiply':
      return `${a} * ${b}`;
    case 'maximum':
      return `max(${a}, ${b})`;
    case 'minimum':
      return `min(${a}, ${b})`;
  }
}

/** WGSL of one merge pass. */
export function mergeShader(o: MergeShaderOptions): string {
  const bindings = Array.from({ length: o.inputs }, (_, i) => `@group(0) @binding(${i + 1}) var<storage, read> x${i}: array<vec4f>;`).join('\n');
  const [first, ...rest] = o.operands.map((a) => (a === 'y' ? 'y[t]' : `x${a}[t]`));
  const folds = rest.map((v) => `acc = ${combine(o.kind, 'acc', v)};`).join('\n  ');
  const scaled = o.scale === undefined ? 'acc' : `acc * ${wgslFloat(Math.fround(o.scale))}`;
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${bindings}
@group(0) @binding(${o.inputs + 1}) var<storage, read_write> y: array<vec4f>;
${ENTRY}
  var acc = ${first};
  ${folds}
  y[t] = ${scaled};
}`;
}
