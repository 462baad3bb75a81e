/**
 * Activation fusion. An `activation` node that reads a linear dense/conv/depthwise node (or the
 * batch norm folded into one), or an element-wise merge, and is that value's only reader is
 * computed by the node's step: the step takes the activation node's function and parameters and
 * applies it to its output, as it would its own activation. Both are applied by the same code to
 * the same float32 values, so the outputs are bit for bit those of the separate step; the step
 * saves one pass over its output (Conv → BatchNorm → ReLU blocks and a residual block's Add →
 * ReLU become one step each).
 *
 * Softmax stays its own step (an activation node's softmax may run over any axis). When the
 * graph's last node is fused, its producer's step is the last step: every node feeds the output
 * (`checkGraph`), so every other node comes before the producer or is absorbed into its step.
 */
import type { ResolvedNode } from '@dc/core';
import { isElementwiseMerge, isLinearWeighted, nodeLinks } from './node-links.js';

/**
 * Producer node index → index of the activation node fused into it, for every fusable pair;
 * `folds` maps producers to the batch norms folded into them (`foldableBatchNorms`).
 */
export function fusableActivations(nodes: readonly ResolvedNode[], folds: ReadonlyMap<number, number>): Map<number, number> {
  const { readers, index } = nodeLinks(nodes);
  const producerOfNorm = new Map([...folds].map(([producer, norm]) => [norm, producer]));
  const fused = new Map<number, number>();
  nodes.forEach((n, j) => {
    if (n.config.kind !== 'activation' || n.config.activation === 'softmax') return;
    const k = index.get(n.inputs[0]);
    if (k === undefined || readers.get(nodes[k].name) !== 1) return;
    const p = producerOfNorm.get(k) ?? k;
    if (isLinearWeighted(nodes[p].config) || isElementwiseMerge(nodes[p].config)) fused.set(p, j);
  });
  return fused;
}
