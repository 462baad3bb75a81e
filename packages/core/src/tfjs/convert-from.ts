import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import { isChain } from '../ir/graph.js';
import type { Layer, Model, ParamName, Tensor } from '../ir/model.js';
import { validateModel } from '../ops/validate-model.js';
import { convertConfig, SUPPORTED_CLASSES } from './layer-configs.js';
import { isBidirectional, stackPasses } from './bidirectional.js';
import { broadcastMergeNodes, isElementwiseMerge } from './broadcast-merge.js';
import { positionwiseDense } from './dense-nd.js';
import { formatDeclaredShape } from './input-shape.js';
import { maskRole, traceMasks, type MaskSource } from './masks.js';
import { stackedCellNodes } from './rnn-cells.js';
import { isOneD, oneDNodes, single } from './one-d-layers.js';
import { repeatVectorNodes } from './repeat-vector.js';
import { stepwiseLayer } from './time-distributed.js';
import { NORMALIZATION_CLASS_NAME, normalizationNode } from './normalization-layer.js';
import { channelRescalingNode } from './channel-rescaling.js';
import { UNIT_NORMALIZATION_CLASS } from './unit-normalization.js';
import { checkGroupsDivideChannels, GROUP_NORMALIZATION_CLASS } from './group-normalization.js';
import { ATTENTION_CLASS, attentionNodes } from './attention-layer.js';
import { ADDITIVE_ATTENTION_CLASS, additiveAttentionNodes } from './additive-attention.js';
import { MULTI_HEAD_ATTENTION_CLASS, multiHeadAttentionNodes } from './multi-head-attention.js';
import { KEPT_POOLING_CLASS, keptPoolingNodes } from './kept-pooling-axes.js';
import { CENTER_CROP_CLASS, centerCropNode } from './center-crop.js';
import { RESIZING_CLASS, resizingNodes } from './resizing.js';
import { KERAS_UP_SAMPLING_CLASS, kerasUpSamplingNode } from './keras-up-sampling.js';
import { CHANNELS_FIRST_POOLING_CLASS, channelsFirstPoolingNodes } from './channels-first-pooling.js';
import { isAugmentation } from './augmentation-layers.js';
import { paramOfWeight } from './weight-names.js';

type TfLayer = tf.layers.Layer;

/**
 * Converts a tfjs `LayersModel` — Sequential or functional, one input and one output of fixed
 * shape (`loadModel`'s `inputShape` fixes unknown input dimensions), branches and merges allowed — to the IR, weights copied bit-exactly. `SeparableConv2D`
 * becomes a `depthwiseConv2d` node `<name>_depthwise` followed by a 1×1 `conv2d` node `<name>`;
 * `Dense` on an input of rank above 1 a 1×1 `conv2d` at every position (`dense-nd.ts`);
 * `TimeDistributed` converts as the layer it wraps (`time-distributed.ts`); an element-wise merge of
 * inputs tfjs broadcasts has them expanded first (`broadcast-merge.ts`); a nested model (a
 * `Sequential` or functional model used as a layer: a transfer-learning base, Teachable Machine's
 * two halves) is inlined, its layers becoming nodes of the one graph under their own names.
 * Before anything is converted, every layer is checked: an unsupported class, a shared layer (one
 * called twice), a nested model of several inputs or outputs, or one whose layers' names clash
 * with others fails with `UNSUPPORTED_LAYER` / `UNSUPPORTED_TOPOLOGY` naming the layer, its class
 * and what is supported.
 */
export function fromLayersModel(model: tf.LayersModel): Model {
  const inputShape = model.inputs[0]?.shape.slice(1);
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !inputShape) {
    throw new DcError('UNSUPPORTED_TOPOLOGY', `model "${model.name}" must have one input and one output (got ${model.inputs.length} inputs, ${model.outputs.length} outputs)`);
  }
  if (inputShape.some((d) => d === null)) {
    throw new DcError('UNSUPPORTED_TOPOLOGY', `model "${model.name}": its input ${formatDeclaredShape(inputShape)} leaves dimensions unknown (null), and a compressed model runs at one fixed shape`, {
      option: 'inputShape',
      hint: 'Save the model and load it with loadModel(path, { inputShape }) of @dc/core/tfjs, which fixes them (dc compress: --input-shape), or build it with a fixed input shape.',
    });
  }
  const order = ancestorsInOrder(model);
  checkLayers(order, new Set([model.inputs[0].sourceLayer.name])); // every layer checked first
  refuseMaskedNesting(order);
  const inputName = model.inputs[0].sourceLayer.name;
  const nodes: Layer[] = [];
  // A 1-D layer ends in a reshape node of its own name: later layers read that node.
  const outputOf = new Map<string, string>();
  convertLayers(order, inputName, outputOf, nodes);
  const graph: Model = { name: model.name, inputShape: inputShape as number[], inputName, layers: nodes };
  const ir: Model = isChain(graph) ? { name: model.name, inputShape: inputShape as number[], layers: nodes.map(({ inputs: _inputs, ...rest }) => rest) } : graph;
  validateModel(ir);
  return ir;
}

const NESTED_CLASSES = new Set(['Sequential', 'Functional', 'Model', 'LayersModel']);

/** Whether `layer` is a model used as a layer. */
const isNested = (layer: TfLayer): layer is tf.LayersModel => NESTED_CLASSES.has(layer.getClassName());

/**
 * The node through which the outer graph calls `layer`: its only one, or for a nested model the
 * second (a model's first node is its own, from its inputs to its outputs).
 */
const callOf = (layer: TfLayer) => layer.inboundNodes[isNested(layer) ? 1 : 0];

/** Checks every layer of `order` (nested models' layers too, their names against `taken`) before any is converted. */
function checkLayers(order: readonly TfLayer[], taken: Set<string>): void {
  for (const layer of order) {
    if (taken.has(layer.name)) throw new DcError('UNSUPPORTED_TOPOLOGY', `layer name "${layer.name}" is used twice (by a nested model's layer and another)`, { tensor: layer.name, hint: 'Give the layers of the nested model names of their own, then save again.' });
    taken.add(layer.name);
    if (!isNested(layer)) {
      const { cls, config } = classAndConfig(layer);
      convertConfig(layer.name, cls, config);
      continue;
    }
    if (layer.inputs.length !== 1 || layer.outputs.length !== 1) {
      throw new DcError('UNSUPPORTED_TOPOLOGY', `nested model "${layer.name}" (${layer.getClassName()}) has ${layer.inputs.length} inputs and ${layer.outputs.length} outputs`, { tensor: layer.name, hint: 'A nested model must take one input and give one output.' });
    }
    taken.add(layer.inputs[0].sourceLayer.name);
    checkLayers(ancestorsInOrder(layer), taken);
  }
}

/** Every layer of `order` and of the models nested in it. */
function allLayers(order: readonly TfLayer[]): TfLayer[] {
  return order.flatMap((l) => (isNested(l) ? [l, ...allLayers(ancestorsInOrder(l))] : [l]));
}

/** Masks (Embedding maskZero, Masking) are traced in one graph; tfjs hands them across nested models in ways not followed here. */
function refuseMaskedNesting(order: readonly TfLayer[]): void {
  const layers = allLayers(order);
  const nested = layers.find(isNested);
  const source = layers.find((l) => maskRole(l).kind === 'source');
  if (nested && source) {
    throw new DcError('UNSUPPORTED_TOPOLOGY', `layer "${source.name}" (${source.getClassName()}) makes a mask, and "${nested.name}" is a nested model: masks across nested models are not supported`, { tensor: nested.name, hint: 'Build the model with the nested model\'s layers applied directly, or drop maskZero / Masking.' });
  }
}

/** Converts `order` (read from `inputName`) into `nodes`, a nested model's layers inline; `outputOf` maps each tfjs layer to the node that holds its output. */
function convertLayers(order: readonly TfLayer[], inputName: string, outputOf: Map<string, string>, nodes: Layer[]): void {
  const maskOf = masksOf(order, inputName);
  for (const layer of order) {
    if (isNested(layer)) {
      // The nested model's input is what the outer graph hands it.
      const [source] = inboundNames(layer, inputName).map((n) => (n === inputName ? inputName : (outputOf.get(n) ?? n)));
      convertLayers(ancestorsInOrder(layer), source, outputOf, nodes);
      const inner = layer.outputs[0].sourceLayer.name;
      outputOf.set(layer.name, outputOf.get(inner) ?? source);
      continue;
    }
    if (isAugmentation(layer.getClassName())) {
      // The identity at inference (Keras' RandomFlip, ...): its readers read its input.
      const [source] = inboundNames(layer, inputName).map((n) => (n === inputName ? inputName : (outputOf.get(n) ?? n)));
      outputOf.set(layer.name, source);
      continue;
    }
    const converted = withMask(convertLayer(layer, inputName, outputOf), maskOf.get(layer.name), inputName, outputOf);
    outputOf.set(layer.name, converted[converted.length - 1].name);
    nodes.push(...converted);
  }
}

/** The layer names of the inputs tfjs passes `layer` (the model input as `inputName`). */
function inboundNames(layer: TfLayer, inputName: string): string[] {
  const inbound = callOf(layer)?.inboundLayers ?? [];
  return inbound.length === 0 ? [inputName] : inbound.map((l) => (l.getClassName() === 'InputLayer' ? inputName : l.name));
}

/**
 * For each recurrent layer, the layer (or model input) whose output its mask is computed from, as
 * tfjs computes masks (`masks.ts`), or null; throws `UNSUPPORTED_LAYER` where tfjs would apply a
 * mask the IR does not reproduce.
 */
function masksOf(order: readonly TfLayer[], inputName: string): Map<string, MaskSource | null> {
  const classOf = new Map(order.map((l) => [l.name, l.getClassName()]));
  return traceMasks(
    order.map((l) => ({ name: l.name, inputs: inboundNames(l, inputName), role: maskRole(l) })),
    (name, why) => {
      throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${classOf.get(name)}): ${why}`, { tensor: name, hint: 'Masks (Embedding maskZero, Masking) reach recurrent layers through Dense, dropout, activation, normalization and TimeDistributed layers, and recurrent layers with returnSequences.' });
    },
  );
}

/** The recurrent nodes of a layer masked from `source` (the value a tfjs layer name or the input holds; every cell of an RNN's stack) get that value as their second input, with the source's `maskValue`. */
function withMask(converted: Layer[], source: MaskSource | null | undefined, inputName: string, outputOf: ReadonlyMap<string, string>): Layer[] {
  if (!source) return converted;
  const from = source.from === inputName ? inputName : (outputOf.get(source.from) ?? source.from);
  return converted.map((node) => (node.config.kind === 'recurrent' ? { ...node, config: { ...node.config, maskValue: source.maskValue }, inputs: [...node.inputs!, from] } : node));
}

/** The non-input layers the output depends on, in an order where each comes after its inputs, output last. */
function ancestorsInOrder(model: tf.LayersModel): TfLayer[] {
  const output = model.outputs[0].sourceLayer;
  const placed = new Set<TfLayer>();
  const order: TfLayer[] = [];
  const visit = (layer: TfLayer): void => {
    if (placed.has(layer) || layer.getClassName() === 'InputLayer') return;
    const cls = layer.getClassName();
    const calls = layer.inboundNodes.length - (isNested(layer) ? 1 : 0);
    if (calls > 1) {
      throw new DcError('UNSUPPORTED_TOPOLOGY', `layer "${layer.name}" (${cls}) is shared: it is called ${calls} times`, { tensor: layer.name, hint: 'Use a separate layer for each call.' });
    }
    for (const inbound of callOf(layer)?.inboundLayers ?? []) visit(inbound);
    placed.add(layer);
    order.push(layer);
  };
  visit(output);
  return order;
}

/**
 * The layer's config; tfjs 4.22's `SeparableConv2D.getConfig()` omits `depthMultiplier`, so it is
 * read off the layer; a built `LayerNormalization` holds its axes counted from the front, which
 * become counted from the end (the last: -1), as do a `UnitNormalization`'s and a `GroupNormalization`'s; a `Dot` gets its input shapes (`inputShapes`, without
 * the batch axis), which its axes are resolved against, and a `Dropout` with a `noiseShape` its
 * input's, which the noise shape must match in rank.
 */
function configOf(layer: TfLayer): Record<string, unknown> {
  const config = layer.getConfig() as Record<string, unknown>;
  if ((layer.getClassName() === 'Dot' || (layer.getClassName() === 'Dropout' && config.noiseShape != null)) && layer.inboundNodes.length > 0) {
    return { ...config, inputShapes: inputShapesOf(layer) };
  }
  const normalised = layer.getClassName() === 'LayerNormalization' ? Array.isArray(config.axis) : layer.getClassName() === UNIT_NORMALIZATION_CLASS || layer.getClassName() === GROUP_NORMALIZATION_CLASS;
  if (normalised && layer.inboundNodes.length > 0) {
    const rank = shapeOf(layer.inboundNodes[0].inputShapes).length + 1;
    const axes = (Array.isArray(config.axis) ? (config.axis as number[]) : [(config.axis ?? -1) as number]).map((a) => (a >= 0 ? a - rank : a));
    return { ...config, axis: layer.getClassName() === GROUP_NORMALIZATION_CLASS ? axes[0] : axes };
  }
  const multiplier = (layer as unknown as { depthMultiplier?: number }).depthMultiplier;
  return config.depthMultiplier === undefined && multiplier !== undefined ? { ...config, depthMultiplier: multiplier } : config;
}

/** The class and config a layer converts as: a `TimeDistributed` wrapper's are its layer's (`time-distributed.ts`). */
function classAndConfig(layer: TfLayer): { cls: string; config: Record<string, unknown> } {
  const cls = layer.getClassName();
  if (cls !== 'TimeDistributed') return { cls, config: configOf(layer) };
  return stepwiseLayer(layer.name, layer.getConfig() as Record<string, unknown>, shapeOf(layer.inboundNodes[0].inputShapes).length);
}

function toTensor(t: tf.Tensor): Tensor {
  return { shape: [...t.shape], values: new Float32Array(t.dataSync() as Float32Array) };
}

function convertLayer(layer: TfLayer, inputName: string, outputOf: ReadonlyMap<string, string>): Layer[] {
  const name = layer.name;
  const { cls, config } = classAndConfig(layer);
  const inputs = inboundNames(layer, inputName).map((n) => (n === inputName ? inputName : (outputOf.get(n) ?? n)));
  // Its weights are named by projection (query/kernel, key/kernel, ...), not by their last part.
  if (cls === MULTI_HEAD_ATTENTION_CLASS) return multiHeadAttentionNodes(name, inputs, config, (layer.inboundNodes[0].callArgs ?? {}) as Record<string, unknown>, projectionWeights(layer), inputShapesOf(layer) as number[][]);
  const weights = new Map<string, Tensor>();
  const current = layer.getWeights();
  layer.weights.forEach((w, i) => {
    const base = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
    const key = base === 'pointwise_kernel' ? 'pointwise' : (paramOfWeight(w.originalName) ?? base);
    const forward = weights.get(key);
    // A Bidirectional layer lists its forward weights, then its backward ones: one stacked parameter each.
    weights.set(key, isBidirectional(layer) && forward ? stackPasses(forward, toTensor(current[i])) : toTensor(current[i]));
  });
  if (cls === NORMALIZATION_CLASS_NAME) return [normalizationNode(name, inputs, config, weights, shapeOf(layer.inboundNodes[0].inputShapes))];
  if (cls === KEPT_POOLING_CLASS) return keptPoolingNodes(name, inputs, config, shapeOf(layer.inboundNodes[0].inputShapes));
  if (cls === CHANNELS_FIRST_POOLING_CLASS) return channelsFirstPoolingNodes(name, inputs, config, shapeOf(layer.inboundNodes[0].inputShapes));
  if (cls === CENTER_CROP_CLASS) return [centerCropNode(name, inputs, config, shapeOf(layer.inboundNodes[0].inputShapes))];
  if (cls === RESIZING_CLASS) return resizingNodes(name, inputs, config, shapeOf(layer.inboundNodes[0].inputShapes));
  const configs = convertConfig(name, cls, config);
  if (cls === KERAS_UP_SAMPLING_CLASS) return [kerasUpSamplingNode(name, inputs, config, shapeOf(layer.inboundNodes[0].inputShapes))];
  if (cls === ATTENTION_CLASS) return attentionNodes(name, inputs, config, (layer.inboundNodes[0].callArgs ?? {}) as Record<string, unknown>, weights.get('scale'), inputShapesOf(layer) as number[][]);
  if (cls === ADDITIVE_ATTENTION_CLASS) return additiveAttentionNodes(name, inputs, config, (layer.inboundNodes[0].callArgs ?? {}) as Record<string, unknown>, weights.get('scale'), inputShapesOf(layer) as number[][]);
  if (configs[0].kind === 'groupNorm') checkGroupsDivideChannels(name, configs[0].groups, shapeOf(layer.inboundNodes[0].inputShapes));
  if (cls === 'Rescaling' && configs[0].kind === 'batchNorm') return [channelRescalingNode(name, inputs, config, shapeOf(layer.inboundNodes[0].inputShapes))];
  if (cls === 'RepeatVector' && configs[0].kind === 'upSampling2d') return repeatVectorNodes(name, inputs, configs[0], shapeOf(layer.inboundNodes[0].inputShapes)[0]);
  if (isOneD(cls)) {
    // A 2-D op on a one-row image: a Conv1D kernel [k, c, f] is the conv2d kernel [1, k, c, f].
    const oneRow = (t: Tensor) => ({ shape: [1, ...t.shape], values: t.values });
    const kernel = weights.get('kernel');
    const params = pick(weights, { bias: 'bias' });
    const causal = config.padding === 'causal' ? (single(config.kernelSize, 1) - 1) * single(config.dilationRate, 1) : 0;
    const input = shapeOf(layer.inboundNodes[0].inputShapes);
    const op = configs[configs.length - 1];
    const outChannels = op.kind === 'conv2d' || op.kind === 'conv2dTranspose' ? op.filters : op.kind === 'depthwiseConv2d' ? input[input.length - 1] * op.depthMultiplier : input[input.length - 1];
    // SeparableConv1D: its depthwise kernel [k, c, m] first, then the pointwise one [1, c·m, f] as a 1×1 conv2d.
    const pointwise = configs.length === 2 ? weights.get('pointwise') : undefined;
    if (pointwise && kernel) return oneDNodes(name, inputs, op, { ...params, kernel: oneRow(pointwise) }, input, outChannels, causal, { config: configs[0], params: { kernel: oneRow(kernel) } });
    return oneDNodes(name, inputs, op, kernel ? { ...params, kernel: oneRow(kernel) } : params, input, outChannels, causal);
  }
  // An RNN over one cell is the generic node below; over a stack, each cell's weights are its own node's.
  if (cls === 'RNN' && configs.length > 1) return stackedCellNodes(name, inputs, configs, current.map(toTensor));
  if (configs.length === 2) {
    // SeparableConv2D: depthwise (its own node) then pointwise (keeps the layer's name and bias).
    const [dw, pw] = configs;
    const dwName = `${name}_depthwise`;
    return [
      { name: dwName, config: dw, inputs, params: { kernel: weights.get('kernel')! } },
      { name, config: pw, inputs: [dwName], params: pick(weights, { kernel: 'pointwise', bias: 'bias' }) },
    ];
  }
  if (isElementwiseMerge(configs[0])) {
    // tfjs loses some extents (a Conv1D's steps: null); an axis null in either shape is taken as equal.
    const shapes = inputShapesOf(layer);
    const differ = shapes.some((s) => s.length !== shapes[0].length || s.some((d, i) => d !== null && shapes[0][i] !== null && d !== shapes[0][i]));
    if (differ) return broadcastMergeNodes(name, inputs, configs[0], shapes);
  }
  const used = pick(weights, { kernel: 'kernel', recurrentKernel: 'recurrentKernel', bias: 'bias', gamma: 'gamma', beta: 'beta', movingMean: 'movingMean', movingVariance: 'movingVariance', alpha: 'alpha' });
  if (configs[0].kind === 'dense') {
    const input = shapeOf(layer.inboundNodes[0].inputShapes);
    if (input.length > 1) return positionwiseDense(name, inputs, configs[0], used, input);
  }
  const leftover = [...weights.keys()].filter((k) => !Object.values(used).includes(weights.get(k)!));
  if (leftover.length > 0) {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${cls}) has weights the IR cannot hold: ${leftover.join(', ')}`, { tensor: name, hint: `Supported layer classes: ${SUPPORTED_CLASSES.join(', ')}.` });
  }
  return [{ name, config: configs[0], inputs, params: used }];
}

/** A layer's weights by the last two parts of their names (`query/kernel`: `MultiHeadAttention`'s sublayers). */
function projectionWeights(layer: TfLayer): Map<string, Tensor> {
  const current = layer.getWeights();
  return new Map(layer.weights.map((w, i) => [w.originalName.split('/').slice(-2).join('/'), toTensor(current[i])]));
}

/** Each input's shape without the batch axis, as tfjs inferred it (`null` where it lost an extent). */
function inputShapesOf(layer: TfLayer): (number | null)[][] {
  const shapes = layer.inboundNodes[0].inputShapes;
  return (Array.isArray(shapes[0]) ? (shapes as tf.Shape[]) : [shapes as tf.Shape]).map((s) => s.slice(1));
}

/** A layer's shape without the batch axis (one input or output). */
function shapeOf(shape: tf.Shape | tf.Shape[]): number[] {
  return ((Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[]).slice(1) as number[];
}

function pick(weights: ReadonlyMap<string, Tensor>, slots: Partial<Record<ParamName, string>>): Partial<Record<ParamName, Tensor>> {
  const out: Partial<Record<ParamName, Tensor>> = {};
  for (const [param, key] of Object.entries(slots) as [ParamName, string][]) {
    const t = weights.get(key);
    if (t) out[param] = t;
  }
  return out;
}
