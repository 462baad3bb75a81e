/**
 * Batch-norm folding. A `batchNorm` whose input is a `dense`, `conv2d` or `depthwiseConv2d` node
 * with a linear activation, read by nothing else, is computed by that node: with the per-channel
 * scale `s = gamma / sqrt(movingVariance + epsilon)`, weight `w` of output channel `f` becomes
 * `w · s[f]` and the bias `(bias − movingMean) · s + beta`, each computed in float64 and rounded
 * once to float32.
 *
 * The file keeps the kernel compressed, and one codebook serves every output channel, so a folded
 * kernel cannot keep it: it becomes either a sparse-coded kernel with one codebook per output
 * channel (same positions, codes `f · K + code`, `K · channels` float32 entries) when that is at
 * most the kept weights and 65,536 entries, or else a sparse kernel holding each kept weight's
 * re-scaled value. Never a dense kernel: zeros stay pruned.
 */
import type { BatchNormConfig, CompressedTensor, ResolvedNode } from '@dc/core';
import { isLinearWeighted, nodeLinks } from './node-links.js';
import type { PlanParams } from './plan-params.js';

/** Producer node index → index of the batch norm folded into it, for every foldable pair. */
export function foldableBatchNorms(nodes: readonly ResolvedNode[]): Map<number, number> {
  const { readers, index } = nodeLinks(nodes);
  const folds = new Map<number, number>();
  nodes.forEach((n, j) => {
    if (n.config.kind !== 'batchNorm') return;
    const i = index.get(n.inputs[0]);
    if (i === undefined) return;
    if (isLinearWeighted(nodes[i].config) && readers.get(nodes[i].name) === 1) folds.set(i, j);
  });
  return folds;
}

/** `gamma / sqrt(variance + epsilon)` per channel, in float64. */
export function batchNormScale(gamma: Float32Array, variance: Float32Array, epsilon: number): Float64Array {
  return Float64Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + epsilon));
}

/** Positions and codes of the nonzero entries of a coded kernel. */
function codedEntries(t: Extract<CompressedTensor, { codebook: Float32Array }>): { positions: Uint32Array; codes: ArrayLike<number> } {
  if (t.layout === 'sparse-coded') return { positions: t.positions, codes: t.codes };
  const keep: number[] = [];
  for (let p = 0; p < t.codes.length; p++) if (t.codebook[t.codes[p]] !== 0) keep.push(p);
  return { positions: Uint32Array.from(keep), codes: keep.map((p) => t.codes[p]) };
}

/** The kernel with output channel `f` (flat position modulo the channel count) scaled by `s[f]`. */
export function scaleKernel(t: CompressedTensor, s: Float64Array): CompressedTensor {
  const channels = s.length;
  const shape = [...t.shape];
  if (t.layout === 'dense') return { layout: 'dense', shape, values: Float32Array.from(t.values, (v, p) => v * s[p % channels]) };
  if (t.layout === 'sparse') return { layout: 'sparse', shape, positions: t.positions, values: Float32Array.from(t.values, (v, k) => v * s[t.positions[k] % channels]) };
  const { positions, codes } = codedEntries(t);
  const K = t.codebook.length;
  const tableSize = K * channels;
  if (tableSize <= 65536 && tableSize <= positions.length) {
    const codebook = new Float32Array(tableSize);
    for (let f = 0; f < channels; f++) for (let c = 0; c < K; c++) codebook[f * K + c] = t.codebook[c] * s[f];
    const perChannel = tableSize <= 256 ? new Uint8Array(positions.length) : new Uint16Array(positions.length);
    for (let k = 0; k < positions.length; k++) perChannel[k] = (positions[k] % channels) * K + codes[k];
    return { layout: 'sparse-coded', shape, positions, codebook, codes: perChannel };
  }
  return { layout: 'sparse', shape, positions, values: Float32Array.from(positions, (p, k) => t.codebook[codes[k]] * s[p % channels]) };
}

/** The parameters of a node with the batch norm (`bn`, `config`) folded in. */
export function foldBatchNorm(params: PlanParams, bn: PlanParams, config: BatchNormConfig): PlanParams {
  const s = batchNormScale(bn.gamma!, bn.movingVariance!, config.epsilon);
  const bias = Float32Array.from(s, (sf, f) => ((params.bias?.[f] ?? 0) - bn.movingMean![f]) * sf + bn.beta![f]);
  return { kernel: scaleKernel(params.kernel!, s), bias };
}
