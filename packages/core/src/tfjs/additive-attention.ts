/**
 * Keras' `AdditiveAttention` — Bahdanau-style attention of a query sequence over a value sequence
 * (and a key, by default the value): scores `Σ_d scale_d · tanh(q_i,d + k_j,d)` — which tfjs lacks.
 * For loading, a tfjs layer of that class computes it ({@link registerAdditiveAttentionLayer}); in
 * the IR it becomes what it computes, from ops the IR has: the query's steps repeated along the
 * key's and the key's along the query's (`reshape` and nearest `upSampling2d`, each
 * `[Tq, Tv, d]`), their sum and its `tanh`, the scale as a 1×1 convolution to one channel without
 * bias (a kernel of ones without `use_scale`, `<layer>_scores`), the softmax over the key's steps
 * (`<layer>_weights`) and the weighted sum of the value's steps (a `dot`, named as the layer, after a
 * view of the value, `<layer>_value_steps`); its
 * dropout of the weights, which acts only in training, is a `dropout` node that retraining applies.
 * Retraining and `dc export` use tfjs's own layers. Causal masking and returned scores are refused
 * by name.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Layer, Tensor } from '../ir/model.js';
import { checkAttentionCall, droppedInTraining, weightsDropout } from './attention-layer.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras'. */
export const ADDITIVE_ATTENTION_CLASS = 'AdditiveAttention';

interface AdditiveAttentionArgs {
  readonly name?: string;
  readonly useScale?: boolean;
  readonly dropout?: number;
  readonly causal?: boolean;
}

const additiveAttentionClass = perTfjs((tfjs): new (args: AdditiveAttentionArgs) => tf.layers.Layer => {
  class AdditiveAttention extends tfjs.layers.Layer {
    static className = ADDITIVE_ATTENTION_CLASS;
    private readonly args: AdditiveAttentionArgs;
    private scale?: tf.LayerVariable;
    constructor(args: AdditiveAttentionArgs) {
      super(args);
      this.args = args;
    }
    override build(shapes: tf.Shape | tf.Shape[]): void {
      const features = (shapes as tf.Shape[])[0][2] as number;
      if (this.args.useScale ?? true) this.scale = this.addWeight('scale', [features], 'float32', tfjs.initializers.glorotUniform({}));
      this.built = true;
    }
    override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
      const [query, value] = shapes as tf.Shape[];
      return [query[0], query[1], value[2]];
    }
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
      return tfjs.tidy(() => {
        const [query, value, key = value] = inputs as tf.Tensor3D[];
        // [b, Tq, 1, d] + [b, 1, Tv, d] → [b, Tq, Tv, d], then Σ over d.
        let terms: tf.Tensor = tfjs.tanh(tfjs.add(tfjs.expandDims(query, 2), tfjs.expandDims(key, 1)));
        if (this.scale) terms = tfjs.mul(terms, this.scale.read());
        const weights = droppedInTraining(tfjs, tfjs.softmax(tfjs.sum(terms, -1)), this.args.dropout, kwargs);
        return tfjs.matMul(weights as tf.Tensor3D, value);
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { useScale = true, dropout = 0, causal = false } = this.args;
      return { ...super.getConfig(), useScale, dropout, ...(causal ? { causal } : {}) };
    }
  }
  return AdditiveAttention as unknown as new (args: AdditiveAttentionArgs) => tf.layers.Layer;
});

/** Registers `AdditiveAttention` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerAdditiveAttentionLayer(tfjs: typeof tf): void {
  registerClasses(tfjs, additiveAttentionClass(tfjs));
}

/** An `AdditiveAttention` layer (Keras'; see the module), e.g. to build in tfjs a model a Keras one mirrors. */
export function additiveAttentionLayer(tfjs: typeof tf, args: AdditiveAttentionArgs): tf.layers.Layer {
  return new (additiveAttentionClass(tfjs))(args);
}

/**
 * The nodes of an `AdditiveAttention` layer named `name` (see the module): its tfjs `config`, the
 * keyword arguments it was called with, its `scale` weight if any, and the shapes of its inputs
 * (query, value, key) without the batch axis. `UNSUPPORTED_LAYER` for causal masking, returned
 * scores, and inputs that are not sequences `[steps, features]` with the query's features the key's.
 */
export function additiveAttentionNodes(name: string, inputs: readonly string[], config: Record<string, unknown>, callArgs: Record<string, unknown>, scale: Tensor | undefined, shapes: readonly (readonly number[])[]): Layer[] {
  checkAttentionCall(name, ADDITIVE_ATTENTION_CLASS, inputs, config, callArgs, shapes);
  const [queryShape, valueShape, keyShape = valueShape] = shapes;
  const [steps, keySteps, features] = [queryShape[0], keyShape[0], queryShape[1]];
  if (keyShape[1] !== features) {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${ADDITIVE_ATTENTION_CLASS}): the query's ${features} features and the key's ${keyShape[1]} differ`, { tensor: name, hint: 'Give the query and the key the same number of features, as Keras requires.' });
  }
  const [query, value, key = value] = inputs;
  const node = (suffix: string, config: Layer['config'], from: readonly string[], params: Layer['params'] = {}): Layer => ({ name: `${name}_${suffix}`, config, inputs: [...from], params });
  const nodes: Layer[] = [
    node('query_steps', { kind: 'reshape', targetShape: [steps, 1, features] }, [query]),
    node('query_grid', { kind: 'upSampling2d', size: [1, keySteps] }, [`${name}_query_steps`]),
    node('key_steps', { kind: 'reshape', targetShape: [1, keySteps, features] }, [key]),
    node('key_grid', { kind: 'upSampling2d', size: [steps, 1] }, [`${name}_key_steps`]),
    node('sum', { kind: 'add' }, [`${name}_query_grid`, `${name}_key_grid`]),
    node('tanh', { kind: 'activation', activation: 'tanh' }, [`${name}_sum`]),
    node(
      'scores',
      { kind: 'conv2d', filters: 1, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', dilationRate: [1, 1], activation: 'linear', useBias: false },
      [`${name}_tanh`],
      { kernel: { shape: [1, 1, features, 1], values: scale ? Float32Array.from(scale.values) : new Float32Array(features).fill(1) } },
    ),
    node('scores_2d', { kind: 'reshape', targetShape: [steps, keySteps] }, [`${name}_scores`]),
    node('weights', { kind: 'activation', activation: 'softmax' }, [`${name}_scores_2d`]),
  ];
  const dropout = weightsDropout(config);
  if (dropout > 0) nodes.push(node('dropout', { kind: 'dropout', rate: dropout }, [`${name}_weights`]));
  const weights = nodes[nodes.length - 1].name;
  // The value's steps said once more (a view): tfjs-layers reports the steps of a reshape that
  // inferred them (a Conv1D's, converted between reshapes) as unknown, and its Dot refuses them
  // against the weights' known ones.
  nodes.push(node('value_steps', { kind: 'reshape', targetShape: [...valueShape] }, [value]));
  nodes.push({ name, config: { kind: 'dot', axes: [2, 1], normalize: false }, inputs: [weights, `${name}_value_steps`], params: {} });
  return nodes;
}
