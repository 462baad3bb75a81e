/**
 * Keras' `Attention` — dot-product attention of a query sequence over a value sequence (and a key
 * sequence, by default the value), as text and time-series models call it:
 * `Attention()([query, value])` — which tfjs lacks. For loading, a tfjs layer of that class computes
 * it ({@link registerAttentionLayer}); in the IR it becomes what it computes, from ops the IR has:
 * the scores `query · keyᵀ` (a `dot` over the features, `<layer>_scores`), times the learned scale
 * where `use_scale` (`<layer>_scale`, fixed at its trained value), their softmax over the value's
 * steps (`<layer>_weights`) and the weighted sum of the value's steps (a `dot`, named as the layer),
 * so retraining and `dc export` use tfjs's own `Dot` and `Softmax`; its dropout of the weights, which
 * acts only in training, is a `dropout` node (`<layer>_dropout`) that retraining applies. Keras'
 * `concat` scores and causal masking are refused by name.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Layer, Tensor } from '../ir/model.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras'. */
export const ATTENTION_CLASS = 'Attention';

interface AttentionArgs {
  readonly name?: string;
  readonly useScale?: boolean;
  readonly scoreMode?: string;
  readonly dropout?: number;
  readonly causal?: boolean;
}

const attentionClass = perTfjs((tfjs): new (args: AttentionArgs) => tf.layers.Layer => {
  class Attention extends tfjs.layers.Layer {
    static className = ATTENTION_CLASS;
    private readonly args: AttentionArgs;
    private scale?: tf.LayerVariable;
    constructor(args: AttentionArgs) {
      super(args);
      this.args = args;
    }
    override build(): void {
      if (this.args.useScale) this.scale = this.addWeight('scale', [], 'float32', tfjs.initializers.ones());
      this.built = true;
    }
    override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
      const [query, value] = shapes as tf.Shape[];
      return [query[0], query[1], value[2]];
    }
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
      return tfjs.tidy(() => {
        const [query, value, key = value] = inputs as tf.Tensor3D[];
        let scores: tf.Tensor = tfjs.matMul(query, key, false, true);
        if (this.scale) scores = tfjs.mul(scores, this.scale.read());
        return tfjs.matMul(droppedInTraining(tfjs, tfjs.softmax(scores), this.args.dropout, kwargs) as tf.Tensor3D, value);
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { useScale = false, scoreMode = 'dot', dropout = 0, causal = false } = this.args;
      // Keras 2.10 and before saved causal masking in the config (later Keras as a call argument).
      return { ...super.getConfig(), useScale, scoreMode, dropout, ...(causal ? { causal } : {}) };
    }
  }
  return Attention as unknown as new (args: AttentionArgs) => tf.layers.Layer;
});

/** Registers `Attention` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerAttentionLayer(tfjs: typeof tf): void {
  registerClasses(tfjs, attentionClass(tfjs));
}

/** An `Attention` layer (Keras'; see the module), e.g. to build in tfjs a model a Keras one mirrors. */
export function attentionLayer(tfjs: typeof tf, args: AttentionArgs): tf.layers.Layer {
  return new (attentionClass(tfjs))(args);
}

/**
 * The rate at which an attention layer's `config` (`Attention`, `MultiHeadAttention`) drops its
 * attention weights while training, as Keras does; 0 for none. Its nodes replay it as a `dropout`
 * node, the identity at inference.
 */
export function weightsDropout(config: Record<string, unknown>): number {
  const rate = config.dropout;
  return typeof rate === 'number' && rate > 0 && rate < 1 ? rate : 0;
}

/** Attention weights as dc's tfjs attention layers pass them on: dropped at `rate` (scaled by 1 / (1 − rate), as Keras) when called with `training: true`. */
export function droppedInTraining(tfjs: typeof tf, weights: tf.Tensor, rate: number | undefined, kwargs: Record<string, unknown>): tf.Tensor {
  const r = weightsDropout({ dropout: rate });
  return kwargs.training === true && r > 0 ? tfjs.dropout(weights, r) : weights;
}

function refuse(name: string, why: string, hint: string, cls = ATTENTION_CLASS): never {
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${cls}): ${why}`, { tensor: name, hint });
}

/**
 * Refuses, `UNSUPPORTED_LAYER` naming the layer `name` of class `cls` (`Attention`,
 * `AdditiveAttention`), what dc's attention nodes cannot compute: causal masking (its `config`, or
 * the keyword arguments `callArgs` it was called with), returned scores, and inputs other than a
 * query and a value (and a key) that are sequences `[steps, features]` (`shapes`, without the batch axis).
 */
export function checkAttentionCall(name: string, cls: string, inputs: readonly string[], config: Record<string, unknown>, callArgs: Record<string, unknown>, shapes: readonly (readonly number[])[]): void {
  const causal = config.causal === true || callArgs.useCausalMask === true || callArgs.use_causal_mask === true;
  if (causal) refuse(name, 'causal masking is not supported', 'Call it without use_causal_mask (a model that attends to every step), retrain, and convert again.', cls);
  if (callArgs.returnAttentionScores === true || callArgs.return_attention_scores === true) refuse(name, 'returning the attention scores is not supported (a second output)', 'Call it without return_attention_scores.', cls);
  if (inputs.length < 2 || inputs.length > 3 || shapes.some((s) => s.length !== 2)) refuse(name, `it takes ${inputs.length} inputs of ranks ${shapes.map((s) => s.length + 1).join(', ')}: a query and a value (and a key), each [batch, steps, features], are supported`, 'Call it on [query, value] or [query, value, key] sequences.', cls);
}

/**
 * The nodes of an `Attention` layer named `name` (see the module): its tfjs `config`, the keyword
 * arguments it was called with, its `scale` weight if any, and the shapes of its inputs (query,
 * value, key) without the batch axis. `UNSUPPORTED_LAYER` for `concat` scores, causal masking,
 * returned scores, and inputs that are not sequences `[steps, features]`.
 */
export function attentionNodes(name: string, inputs: readonly string[], config: Record<string, unknown>, callArgs: Record<string, unknown>, scale: Tensor | undefined, shapes: readonly (readonly number[])[]): Layer[] {
  if ((config.scoreMode ?? 'dot') !== 'dot') refuse(name, `score_mode ${JSON.stringify(config.scoreMode)} is not supported`, 'Only dot-product scores (score_mode="dot") are supported.');
  checkAttentionCall(name, ATTENTION_CLASS, inputs, config, callArgs, shapes);
  const [query, value, key = value] = inputs;
  const nodes: Layer[] = [{ name: `${name}_scores`, config: { kind: 'dot', axes: [2, 2], normalize: false }, inputs: [query, key], params: {} }];
  if (scale) nodes.push({ name: `${name}_scale`, config: { kind: 'rescale', scale: scale.values[0], offset: 0 }, inputs: [nodes[0].name], params: {} });
  nodes.push({ name: `${name}_weights`, config: { kind: 'activation', activation: 'softmax' }, inputs: [nodes[nodes.length - 1].name], params: {} });
  const dropout = weightsDropout(config);
  if (dropout > 0) nodes.push({ name: `${name}_dropout`, config: { kind: 'dropout', rate: dropout }, inputs: [`${name}_weights`], params: {} });
  nodes.push({ name, config: { kind: 'dot', axes: [2, 1], normalize: false }, inputs: [nodes[nodes.length - 1].name, value], params: {} });
  return nodes;
}
