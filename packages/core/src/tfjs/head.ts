/**
 * What a model's output layer emits, read from the IR's last node: probabilities (a softmax or
 * sigmoid head), logits (a linear head), or something else. The trainer checks it against the
 * loss instead of guessing.
 */
import { inputsOf } from '../ir/graph.js';
import type { Model } from '../ir/model.js';

/** The kind of values a model outputs. */
export type HeadKind = 'softmax' | 'sigmoid' | 'linear' | 'other';

/** Nodes that pass values through unchanged at inference, looked through when finding the head. */
const PASS_THROUGH = new Set(['dropout', 'flatten', 'reshape']);

/** The model's head: its kind and the node that decides it. */
export function headOf(model: Model): { readonly kind: HeadKind; readonly node: string; readonly activation?: string } {
  const index = new Map(model.layers.map((l, i) => [l.name, i]));
  let i = model.layers.length - 1;
  for (;;) {
    const node = model.layers[i];
    const c = node.config;
    if (PASS_THROUGH.has(c.kind)) {
      const prev = index.get(inputsOf(model, i)[0]);
      if (prev !== undefined) {
        i = prev;
        continue;
      }
    }
    if (c.kind === 'dense' || c.kind === 'conv2d' || c.kind === 'conv2dTranspose' || c.kind === 'depthwiseConv2d' || c.kind === 'activation') {
      const a = c.activation;
      const kind: HeadKind = a === 'softmax' ? 'softmax' : a === 'sigmoid' ? 'sigmoid' : a === 'linear' ? 'linear' : 'other';
      return { kind, node: node.name, activation: a };
    }
    return { kind: 'other', node: node.name };
  }
}
