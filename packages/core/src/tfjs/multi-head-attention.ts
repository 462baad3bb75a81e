/**
 * Keras' `MultiHeadAttention` — the attention of transformer blocks, `MultiHeadAttention(num_heads,
 * key_dim)(query, value)` — which tfjs lacks. For loading, a tfjs layer of that class computes it
 * ({@link registerMultiHeadAttentionLayer}); in the IR it becomes what it computes, from ops the IR
 * has, head by head: the query, key and value projections of head `h` (positionwise dense layers,
 * 1×1 convolutions `<layer>_query_<h>`, `<layer>_key_<h>`, `<layer>_value_<h>`: each head's slice of
 * Keras' `[features, heads, dim]` kernels, prunable and clustered on their own), the scores
 * `query · keyᵀ` (`dot`), scaled by 1/√key_dim (`rescale`), their softmax over the attended
 * positions (dropped while retraining as Keras drops them, `<layer>_dropout_<h>`, where `dropout`)
 * and the weighted sum of the values; the heads concatenated and projected back
 * (`<layer>_output`, the `[heads, dim, out]` kernel), reshaped to the query's positions as `<layer>`.
 * So retraining and `dc export` use tfjs's own layers. Inputs of any rank attend over every
 * position (Keras' default `attention_axes`); other attention axes, masks (an `attention_mask`,
 * causal masking, a mask carried from `Embedding(mask_zero=True)`), returned scores and outputs of
 * several axes are refused by name.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Layer, Tensor } from '../ir/model.js';
import { droppedInTraining, weightsDropout } from './attention-layer.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras'. */
export const MULTI_HEAD_ATTENTION_CLASS = 'MultiHeadAttention';

/** The projections, by the names of Keras' sublayers (the weights are `<layer>/<projection>/kernel` and `/bias`). */
const PROJECTIONS = ['query', 'key', 'value', 'attention_output'] as const;
type Projection = (typeof PROJECTIONS)[number];

/** The options of dc's `MultiHeadAttention` layer: Keras' config, camel-cased as tfjs reads it. */
export interface MultiHeadAttentionArgs {
  readonly name?: string;
  /** How many heads attend side by side. */
  readonly numHeads: number;
  /** The size of each head's queries and keys. */
  readonly keyDim: number;
  /** The size of each head's values; default `keyDim`. */
  readonly valueDim?: number | null;
  /** Dropout of the attention weights while training (`training: true`, as in `model.fit`), as Keras drops them; the IR replays it as a dropout node. */
  readonly dropout?: number;
  /** Whether the projections have biases (default true). */
  readonly useBias?: boolean;
  /** The output's features: one extent (or a list of one); default the query's. */
  readonly outputShape?: number | readonly number[] | null;
  /** Keras' attended axes; only unset (every position) converts to the IR. */
  readonly attentionAxes?: number | readonly number[] | null;
}

/** The output's features: `output_shape` (one extent), else the query's. */
function outputFeatures(outputShape: MultiHeadAttentionArgs['outputShape'], queryFeatures: number): number {
  if (outputShape == null) return queryFeatures;
  return typeof outputShape === 'number' ? outputShape : outputShape[0];
}

const multiHeadAttentionClass = perTfjs((tfjs): new (args: MultiHeadAttentionArgs) => tf.layers.Layer => {
  class MultiHeadAttention extends tfjs.layers.Layer {
    static className = MULTI_HEAD_ATTENTION_CLASS;
    private readonly args: MultiHeadAttentionArgs;
    private readonly kernels = new Map<Projection, { kernel: tf.LayerVariable; bias?: tf.LayerVariable }>();
    constructor(args: MultiHeadAttentionArgs) {
      super(args);
      this.args = args;
    }
    private get valueDim(): number {
      return this.args.valueDim ?? this.args.keyDim;
    }
    override build(shapes: tf.Shape | tf.Shape[]): void {
      const [query, value, key = value] = shapes as tf.Shape[];
      const { numHeads: heads, keyDim, useBias = true } = this.args;
      const last = (s: tf.Shape) => s[s.length - 1] as number;
      const shapeOf: Record<Projection, [number[], number[]]> = {
        query: [[last(query), heads, keyDim], [heads, keyDim]],
        key: [[last(key), heads, keyDim], [heads, keyDim]],
        value: [[last(value), heads, this.valueDim], [heads, this.valueDim]],
        attention_output: [[heads, this.valueDim, outputFeatures(this.args.outputShape, last(query))], [outputFeatures(this.args.outputShape, last(query))]],
      };
      for (const p of PROJECTIONS) {
        const [kernel, bias] = shapeOf[p];
        this.kernels.set(p, {
          kernel: this.addWeight(`${p}/kernel`, kernel, 'float32', tfjs.initializers.glorotUniform({})),
          ...(useBias ? { bias: this.addWeight(`${p}/bias`, bias, 'float32', tfjs.initializers.zeros()) } : {}),
        });
      }
      this.built = true;
    }
    override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
      const [query] = shapes as tf.Shape[];
      return [...query.slice(0, -1), outputFeatures(this.args.outputShape, query[query.length - 1] as number)];
    }
    /** `x` `[batch, ...positions, features]` through projection `p`: `[batch, positions, heads, dim]` (the output projection: `[batch, positions, out]`). */
    private project(p: Projection, x: tf.Tensor): tf.Tensor {
      const { kernel, bias } = this.kernels.get(p)!;
      const k = kernel.read();
      const [a, b, c] = k.shape as [number, number, number];
      const inner = p === 'attention_output' ? a * b : a;
      const flat = tfjs.matMul(tfjs.reshape(x, [-1, inner]), tfjs.reshape(k, [inner, -1]));
      const out = bias ? tfjs.add(flat, tfjs.reshape(bias.read(), [-1])) : flat;
      return tfjs.reshape(out, p === 'attention_output' ? [x.shape[0], -1, c] : [x.shape[0], -1, b, c]);
    }
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
      return tfjs.tidy(() => {
        const [query, value, key = value] = inputs as tf.Tensor[];
        // [batch, heads, positions, dim]
        const heads = (p: Projection, x: tf.Tensor) => tfjs.transpose(this.project(p, x), [0, 2, 1, 3]);
        const q = tfjs.mul(heads('query', query), 1 / Math.sqrt(this.args.keyDim));
        const scores = tfjs.matMul(q as tf.Tensor4D, heads('key', key) as tf.Tensor4D, false, true);
        const weights = droppedInTraining(tfjs, tfjs.softmax(scores), this.args.dropout, kwargs);
        const attended = tfjs.matMul(weights as tf.Tensor4D, heads('value', value) as tf.Tensor4D);
        const joined = tfjs.transpose(attended, [0, 2, 1, 3]);
        const out = this.project('attention_output', joined);
        return tfjs.reshape(out, this.computeOutputShape([query.shape]) as number[]);
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { numHeads, keyDim, valueDim = null, dropout = 0, useBias = true, outputShape = null, attentionAxes = null } = this.args;
      return { ...super.getConfig(), numHeads, keyDim, valueDim, dropout, useBias, outputShape: outputShape as number[] | null, attentionAxes: attentionAxes as number[] | null };
    }
  }
  return MultiHeadAttention as unknown as new (args: MultiHeadAttentionArgs) => tf.layers.Layer;
});

/** Registers `MultiHeadAttention` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerMultiHeadAttentionLayer(tfjs: typeof tf): void {
  registerClasses(tfjs, multiHeadAttentionClass(tfjs));
}

/** A `MultiHeadAttention` layer (Keras'; see the module), e.g. to build in tfjs a model a Keras one mirrors; call it on `[query, value]` or `[query, value, key]`. */
export function multiHeadAttentionLayer(tfjs: typeof tf, args: MultiHeadAttentionArgs): tf.layers.Layer {
  return new (multiHeadAttentionClass(tfjs))(args);
}

function refuse(name: string, why: string, hint: string): never {
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${MULTI_HEAD_ATTENTION_CLASS}): ${why}`, { tensor: name, hint });
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** The attention axes Keras' `attention_axes` names, counted without the batch axis from 0, for inputs of `rank` axes (batch included). */
function attentionAxes(value: unknown, rank: number): number[] | undefined {
  if (value == null) return undefined;
  const axes = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as number[]) : [];
  return axes.map((a) => (a < 0 ? a + rank : a) - 1);
}

/**
 * Checks a `MultiHeadAttention` layer's config and call (see the module) before any work:
 * `UNSUPPORTED_LAYER` for causal masking, returned scores, attention axes other than every
 * position, and an output of several axes.
 */
export function checkMultiHeadAttention(name: string, config: Record<string, unknown>, callArgs: Record<string, unknown>): void {
  if (callArgs.useCausalMask === true || callArgs.use_causal_mask === true) refuse(name, 'causal masking is not supported', 'Call it without use_causal_mask (a model that attends to every position), retrain, and convert again.');
  if (callArgs.returnAttentionScores === true || callArgs.return_attention_scores === true) refuse(name, 'returning the attention scores is not supported (a second output)', 'Call it without return_attention_scores.');
  const out = config.outputShape;
  if (Array.isArray(out) && out.length !== 1) refuse(name, `output_shape ${JSON.stringify(out)} has ${out.length} axes; an output of one axis of features is supported`, 'Leave output_shape unset (the query\'s features) or give one extent.');
  for (const key of ['numHeads', 'keyDim'] as const) {
    if (!Number.isInteger(config[key]) || (config[key] as number) < 1) refuse(name, `${key} ${JSON.stringify(config[key])} is not a positive integer`, 'Save the model again from Keras.');
  }
}

/** Head `h`'s slice `[features, dim]` of a projection kernel `[features, heads, dim]` (its bias `[heads, dim]`: `[dim]`). */
function headSlice(t: Tensor, h: number): Tensor {
  const [heads, dim] = t.shape.slice(-2);
  const rows = t.shape.length === 3 ? t.shape[0] : 1;
  const values = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) values.set(t.values.subarray((r * heads + h) * dim, (r * heads + h + 1) * dim), r * dim);
  return { shape: t.shape.length === 3 ? [rows, dim] : [dim], values };
}

/**
 * The nodes of a `MultiHeadAttention` layer named `name` (see the module): its tfjs `config`, the
 * keyword arguments it was called with, its weights by `<projection>/<kernel|bias>`, and the shapes
 * of its inputs (query, value, key) without the batch axis. `UNSUPPORTED_LAYER` as
 * {@link checkMultiHeadAttention} says, and for inputs whose features are not their last axis.
 */
export function multiHeadAttentionNodes(name: string, inputs: readonly string[], config: Record<string, unknown>, callArgs: Record<string, unknown>, weights: ReadonlyMap<string, Tensor>, shapes: readonly (readonly number[])[]): Layer[] {
  checkMultiHeadAttention(name, config, callArgs);
  if (inputs.length < 2 || inputs.length > 3 || shapes.some((s) => s.length < 2 || s.some((d) => !Number.isInteger(d)))) {
    refuse(name, `it takes ${inputs.length} inputs of shapes ${shapes.map((s) => JSON.stringify(s)).join(', ')}: a query and a value (and a key), each [batch, ...positions, features] of known extents, are supported`, 'Call it on (query, value) or (query, value, key).');
  }
  const [queryShape, valueShape, keyShape = valueShape] = shapes;
  const axes = attentionAxes(config.attentionAxes, valueShape.length + 1);
  const every = valueShape.slice(0, -1).map((_, i) => i);
  if (axes && (axes.length !== every.length || axes.some((a, i) => a !== every[i]))) {
    refuse(name, `attention_axes ${JSON.stringify(config.attentionAxes)} attends over some positions only; attention over every position (attention_axes unset) is supported`, 'Leave attention_axes unset, or reshape so that the attended axes are all the positions.');
  }
  const heads = config.numHeads as number;
  const keyDim = config.keyDim as number;
  const dropout = weightsDropout(config);
  const [query, value, key = value] = inputs;
  const nodes: Layer[] = [];
  // Each input once as a one-row image [1, positions, features] (`<layer>_<role>_2d`), which 1×1 convolutions project.
  const flat = new Map<string, string>();
  const flatten = (input: string, role: string, shape: readonly number[]) => {
    if (!flat.has(input)) {
      flat.set(input, `${name}_${role}_2d`);
      nodes.push({ name: `${name}_${role}_2d`, config: { kind: 'reshape', targetShape: [1, -1, shape[shape.length - 1]] }, inputs: [input], params: {} });
    }
    return flat.get(input)!;
  };
  const weight = (p: Projection, part: 'kernel' | 'bias') => {
    const t = weights.get(`${p}/${part}`);
    if (!t && (part === 'kernel' || config.useBias !== false)) refuse(name, `its ${p}/${part} weight is missing`, 'Save the model again from Keras.');
    return t;
  };
  /** A 1×1 convolution `node` of `input` (read as `role`), and its output as `[positions, units]` (`<node>_nd`). */
  const project = (node: string, input: string, role: string, shape: readonly number[], kernel: Tensor, bias: Tensor | undefined): string => {
    const [features, units] = kernel.shape;
    nodes.push(
      {
        name: node,
        config: { kind: 'conv2d', filters: units, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: bias !== undefined },
        inputs: [flatten(input, role, shape)],
        params: { kernel: { shape: [1, 1, features, units], values: kernel.values }, ...(bias ? { bias } : {}) },
      },
      { name: `${node}_nd`, config: { kind: 'reshape', targetShape: [product(shape.slice(0, -1)), units] }, inputs: [node], params: {} },
    );
    return `${node}_nd`;
  };
  flatten(query, 'query', queryShape);
  flatten(value, 'value', valueShape);
  flatten(key, 'key', keyShape);
  const headOutputs: string[] = [];
  for (let h = 0; h < heads; h++) {
    const slice = (p: Projection, input: string, shape: readonly number[]) => {
      const bias = weight(p, 'bias');
      return project(`${name}_${p}_${h}`, input, p, shape, headSlice(weight(p, 'kernel')!, h), bias && headSlice(bias, h));
    };
    const q = slice('query', query, queryShape);
    const k = slice('key', key, keyShape);
    const v = slice('value', value, valueShape);
    nodes.push(
      { name: `${name}_scores_${h}`, config: { kind: 'dot', axes: [2, 2], normalize: false }, inputs: [q, k], params: {} },
      { name: `${name}_scaled_${h}`, config: { kind: 'rescale', scale: 1 / Math.sqrt(keyDim), offset: 0 }, inputs: [`${name}_scores_${h}`], params: {} },
      { name: `${name}_weights_${h}`, config: { kind: 'activation', activation: 'softmax' }, inputs: [`${name}_scaled_${h}`], params: {} },
    );
    const weighted = dropout > 0 ? `${name}_dropout_${h}` : `${name}_weights_${h}`;
    if (dropout > 0) nodes.push({ name: weighted, config: { kind: 'dropout', rate: dropout }, inputs: [`${name}_weights_${h}`], params: {} });
    nodes.push({ name: `${name}_head_${h}`, config: { kind: 'dot', axes: [2, 1], normalize: false }, inputs: [weighted, v], params: {} });
    headOutputs.push(`${name}_head_${h}`);
  }
  let joined = headOutputs[0];
  if (heads > 1) {
    nodes.push({ name: `${name}_heads`, config: { kind: 'concatenate', axis: -1 }, inputs: headOutputs, params: {} });
    joined = `${name}_heads`;
  }
  const outKernel = weight('attention_output', 'kernel')!;
  const [, valueDim, out] = outKernel.shape;
  const output = project(`${name}_output`, joined, 'heads', [product(queryShape.slice(0, -1)), heads * valueDim], { shape: [heads * valueDim, out], values: outKernel.values }, weight('attention_output', 'bias'));
  nodes.push({ name, config: { kind: 'reshape', targetShape: [...queryShape.slice(0, -1), out] }, inputs: [output], params: {} });
  return nodes;
}
