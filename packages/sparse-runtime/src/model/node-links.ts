/**
 * What batch-norm folding and activation fusion both ask of a graph: how many nodes read each
 * value, where each node is, and whether a node is a weighted layer without an activation of its
 * own (the kind a folded batch norm or a fused activation can join) or an element-wise merge (a
 * fused activation can join it too).
 */
import type { LayerConfig, ResolvedNode } from '@dc/core';

const WEIGHTED = new Set(['dense', 'conv2d', 'depthwiseConv2d']);
const MERGES = new Set(['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum']);

/** Readers per value name, and node index per node name. */
export function nodeLinks(nodes: readonly ResolvedNode[]): { readonly readers: ReadonlyMap<string, number>; readonly index: ReadonlyMap<string, number> } {
  const readers = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  return { readers, index: new Map(nodes.map((n, i) => [n.name, i])) };
}

/** True for a dense, conv2d or depthwiseConv2d node with a linear activation. */
export function isLinearWeighted(config: LayerConfig): boolean {
  return WEIGHTED.has(config.kind) && (config as { activation?: string }).activation === 'linear';
}

/** True for an element-wise merge node (add, subtract, multiply, average, maximum, minimum). */
export function isElementwiseMerge(config: LayerConfig): boolean {
  return MERGES.has(config.kind);
}
