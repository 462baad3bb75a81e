/**
 * Masks as tfjs 4.22 computes them when a model runs (`predict`, `fit`, `evaluate`: its
 * `execute()`), traced over a graph so both converters agree with it:
 *
 * - `Embedding({maskZero: true})` makes a mask, `notEqual(ids, 0)` on its raw input; `Masking`
 *   makes one from its input too, a step masked when all its features equal its `maskValue`.
 * - A layer with `supportsMasking` (Dense, Dropout and the noise layers, Activation, ReLU, batch
 *   and layer normalisation, TimeDistributed) carries its input's mask to its output; a recurrent
 *   layer or `Bidirectional` only with `returnSequences`. Any other layer (Conv1D, pooling,
 *   Flatten, Reshape, LeakyReLU, ELU, Softmax, Rescaling, ...) drops it.
 * - Merges (`Add`, ..., `Concatenate`) combine their inputs' masks in ways the IR does not follow
 *   (4.22's `Merge.computeMask` ignores the last input's mask and adds an axis); `Dot` drops them.
 * - Every layer is handed, as `kwargs.mask`, its first input's mask when any input has one, and
 *   otherwise the last mask handed to any earlier layer (`execute()` keeps one `kwargs` object for
 *   the whole run). Only recurrent layers and `Softmax` read it.
 *
 * - Keras' attention layers (`Attention`, `MultiHeadAttention`: dc's tfjs layers of them) leave out
 *   the masked steps of their inputs in Keras; dc's layers do not read masks, and drop them.
 *
 * The trace refuses what the IR cannot reproduce exactly: a recurrent layer or a `Softmax` handed a
 * mask its input does not carry (the stale one above), a merged mask, `Softmax` handed any mask, and
 * an attention layer whose input carries one (what Keras computes is not what tfjs computes).
 */
import type * as tf from '@tensorflow/tfjs';
import { ATTENTION_CLASS } from './attention-layer.js';
import { ADDITIVE_ATTENTION_CLASS } from './additive-attention.js';
import { MULTI_HEAD_ATTENTION_CLASS } from './multi-head-attention.js';
import { RESET_AFTER_GRU_CLASS } from './reset-after-gru.js';

/** What a layer does with masks (see the module's doc). */
export type MaskRole =
  | { readonly kind: 'source'; readonly maskValue: number }
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'recurrent'; readonly returnSequences: boolean }
  | { readonly kind: 'softmax' }
  | { readonly kind: 'attention' }
  | { readonly kind: 'merge' };

/** One layer of the traced graph: its name, its inputs (the values tfjs passes it) and its role. */
export interface MaskNode {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly role: MaskRole;
}

const RECURRENT_CLASSES = ['SimpleRNN', 'LSTM', 'GRU', 'RNN', 'Bidirectional', RESET_AFTER_GRU_CLASS];
const MERGE_CLASSES = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate'];

/** The role of a tfjs layer, read off the layer itself (its class, `supportsMasking`, config). */
export function maskRole(layer: tf.layers.Layer): MaskRole {
  const cls = layer.getClassName();
  const config = layer.getConfig() as { returnSequences?: boolean; layer?: { className?: string; config?: { returnSequences?: boolean } } };
  if (cls === 'Embedding') return layer.supportsMasking ? { kind: 'source', maskValue: 0 } : { kind: 'drop' };
  if (cls === 'Masking') return { kind: 'source', maskValue: (layer.getConfig() as { maskValue?: number }).maskValue ?? 0 };
  // A Bidirectional's config holds returnSequences in the layer it wraps.
  if (RECURRENT_CLASSES.includes(cls)) return { kind: 'recurrent', returnSequences: (cls === 'Bidirectional' ? config.layer?.config?.returnSequences : config.returnSequences) === true };
  if (MERGE_CLASSES.includes(cls)) return { kind: 'merge' };
  // Dot supports masking, yet its computeMask returns null: its output carries none.
  if (cls === 'Dot') return { kind: 'drop' };
  if (cls === ATTENTION_CLASS || cls === ADDITIVE_ATTENTION_CLASS || cls === MULTI_HEAD_ATTENTION_CLASS) return { kind: 'attention' };
  // TimeDistributed hands its kwargs (the mask too) to the layer it wraps.
  if (cls === 'Softmax' || (cls === 'TimeDistributed' && config.layer?.className === 'Softmax')) return { kind: 'softmax' };
  return layer.supportsMasking ? { kind: 'pass' } : { kind: 'drop' };
}

/** Where a mask comes from: the value it is computed from (a tfjs layer's output or the model input) and the value a masked step holds there. */
export interface MaskSource {
  readonly from: string;
  readonly maskValue: number;
}

/** A mask produced by a merge: tfjs computes one, but not one the IR can follow. */
const MERGED = Symbol('merged mask');
type Mask = MaskSource | typeof MERGED | null;

/**
 * Traces masks through `nodes` (in execution order) as tfjs's `execute()` does.
 *
 * @returns for each recurrent node, where its mask comes from (the ids an `Embedding` with
 * `maskZero` read, value 0; a `Masking` layer's input and its `maskValue`), or null when it runs
 * unmasked.
 * @param refuse - called with the node and the reason when tfjs would hand it a mask the IR
 * cannot reproduce; it throws.
 */
export function traceMasks(nodes: readonly MaskNode[], refuse: (node: string, why: string) => never): Map<string, MaskSource | null> {
  const out = new Map<string, Mask>();
  const consumed = new Map<string, MaskSource | null>();
  let lastHanded: Mask = null;
  let lastFrom = '';
  for (const node of nodes) {
    const masks = node.inputs.map((n) => out.get(n) ?? null);
    const carried = masks.some((m) => m !== null);
    const handed = carried ? masks[0] : lastHanded;
    const stale = () =>
      refuse(node.name, `its input carries no mask (a layer without masking support dropped it), yet tfjs 4.22 hands it the mask last handed to "${lastFrom}" (execute() keeps one for the whole run), which the IR does not reproduce: keep only mask-supporting layers (Dense, dropouts, activations, normalizations) between the Embedding with maskZero and this layer, or drop maskZero`);
    const role = node.role;
    if (role.kind === 'attention' && carried) refuse(node.name, 'its inputs carry a mask (from Embedding with maskZero or Masking), which Keras\' attention layers use to leave out the masked steps and the IR does not reproduce: drop maskZero / Masking, or pad with tokens the model attends to');
    if (role.kind === 'recurrent' || role.kind === 'softmax') {
      if (handed === MERGED) refuse(node.name, 'its input mask comes from a merge of masked branches, which tfjs 4.22 computes wrongly (Merge.computeMask ignores the last input\'s mask): merge unmasked values or drop maskZero');
      if (handed !== null && !carried) stale();
      if (role.kind === 'softmax' && handed !== null) refuse(node.name, 'a Softmax layer handed a mask adds −1e9 to the masked scores of its last axis, which the IR does not reproduce: use a softmax activation on the Dense layer instead');
      if (role.kind === 'recurrent') consumed.set(node.name, handed as MaskSource | null);
    }
    if (carried) {
      lastHanded = masks[0];
      lastFrom = node.name;
    }
    const next: Mask =
      role.kind === 'source' ? { from: node.inputs[0], maskValue: role.maskValue } :
      role.kind === 'pass' ? masks[0] :
      role.kind === 'recurrent' ? (role.returnSequences ? masks[0] : null) :
      role.kind === 'merge' ? (carried ? MERGED : null) :
      null;
    out.set(node.name, next);
  }
  return consumed;
}
