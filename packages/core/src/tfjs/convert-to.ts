import type * as tf from '@tensorflow/tfjs';
import { inputNameOf, inputsOf } from '../ir/graph.js';
import type { Layer, LayerConfig, Model } from '../ir/model.js';
import { DcError } from '../errors/dc-error.js';
import { validateModel } from '../ops/validate-model.js';
import { maskRole, traceMasks } from './masks.js';
import { makeSubtractLayer } from './subtract-layer.js';
import { unitNormalization } from './unit-normalization.js';
import { groupNormalization } from './group-normalization.js';
import { resizing } from './resizing.js';
import { withFixedStatistics } from './batch-norm-mode.js';
import { makeDilatedDepthwiseLayer } from './dilated-depthwise.js';
import { softmaxOnLastAxis } from './softmax-axis.js';
import { dilatedSeparablePairs, makeSeparableLayer, setSeparableWeights, undilatedForSaving } from './saved-separable.js';
import { setLayerWeights } from './weight-names.js';
import { resetAfterGru } from './reset-after-gru.js';
import { HARD_SILU, registerHardSiluActivation } from './hard-silu-activation.js';

type SymbolicTensor = tf.SymbolicTensor;

/**
 * Builds a tfjs `LayersModel` from the IR (the functional API: one `tf.input`, each node applied to
 * its inputs), with the IR's node names and bit-exact weights. This is the one IR → tfjs executor:
 * the trainer, the runtime's tfjs backend and the conformance reference all run through it.
 * `tfjs` is the namespace to build with (so callers control which tfjs copy and backend run it);
 * `options.forSaving` builds what tfjs reloads as saved.
 */
export function toLayersModel(given: Model, tfjs: typeof tf, options: ToLayersModelOptions = {}): tf.LayersModel {
  const checked = validateModel(given);
  // A softmax along another axis than the last as tfjs-core can run it (softmax-axis.ts); checked again only when rewritten.
  const model = softmaxOnLastAxis(given, checked);
  const graph = model === given ? checked : validateModel(model);
  if (usesHardSilu(model)) registerHardSiluActivation(tfjs);
  const input = tfjs.input({ shape: [...model.inputShape], name: inputNameOf(model) });
  const values = new Map<string, SymbolicTensor>([[inputNameOf(model), input]]);
  // Saving: each dilated separable pair as one SeparableConv2D, built at its pointwise node (saved-separable.ts).
  const pairs = options.forSaving ? dilatedSeparablePairs(model) : new Map<number, number>();
  const fused = new Map([...pairs].map(([p, d]) => [d, p]));
  // Saving: any other dilated depthwise node with its kernel spelled out undilated (tfjs reloads it as written).
  const nodes = options.forSaving ? model.layers.map((node, i) => (fused.has(i) ? node : undilatedForSaving(node))) : model.layers;
  const layers = nodes.map((node, i) => (pairs.has(i) ? makeSeparableLayer(tfjs, nodes[pairs.get(i)!], node) : fused.has(i) ? undefined : makeLayer(node, tfjs, graph.nodes[i].outputShape)));
  for (const [d, p] of fused) layers[d] = layers[p];
  planMasks(model, layers as tf.layers.Layer[]);
  model.layers.forEach((node, i) => {
    if (fused.has(i)) return;
    // A recurrent node's mask input is no tfjs input: tfjs propagates the mask from the Embedding itself.
    const given = tfjsInputs(model, pairs.get(i) ?? i).map((n) => values.get(n)!);
    // tfjs 4.22's executor disposes a value one layer reads twice (self-attention's scores, Add([x, x]))
    // before its other readers run: a repeated input reaches the layer through an identity of its own.
    const inputs = given.map((t, k) => (given.indexOf(t) < k ? (tfjs.layers.activation({ name: `${node.name}_repeat_${k}`, activation: 'linear' }).apply(t) as SymbolicTensor) : t));
    // tfjs-layers' Reshape reports an extent it infers (-1) as unknown, and its Flatten then refuses to
    // build (a Conv1D or 1-D pool, converted between reshapes, then Flatten): the IR knows the size.
    if (node.config.kind === 'flatten' && inputs[0].shape.slice(1).some((extent) => extent === null)) layers[i] = tfjs.layers.reshape({ name: node.name, targetShape: [...graph.nodes[i].outputShape] });
    values.set(node.name, layers[i]!.apply(inputs.length === 1 ? inputs[0] : inputs) as SymbolicTensor);
  });
  const lm = tfjs.model({ inputs: input, outputs: values.get(model.layers[model.layers.length - 1].name)!, name: model.name });
  model.layers.forEach((node, i) => {
    const d = pairs.get(i);
    if (d !== undefined) setSeparableWeights(layers[i]!, nodes[d], node, tfjs);
    else if (!fused.has(i)) setLayerWeights(layers[i]!, nodes[i], tfjs);
  });
  return lm;
}

/** Whether a node of `model` applies Keras 3's `hard_silu`, which tfjs knows only once dc registers it. */
function usesHardSilu(model: Model): boolean {
  return model.layers.some((l) => {
    const c = l.config as { activation?: string; recurrentActivation?: string };
    return c.activation === HARD_SILU || c.recurrentActivation === HARD_SILU;
  });
}

/** Options of {@link toLayersModel}. */
export interface ToLayersModelOptions {
  /**
   * Build for saving (`dcmHandler`, `dc export`) rather than training: a dilated `depthwiseConv2d`
   * node and the 1×1 `conv2d` that alone reads it become one tfjs `SeparableConv2D`, which tfjs
   * reloads dilated (the trainable layer built otherwise reloads as tfjs's undilated
   * `DepthwiseConv2D`); tfjs cannot train that one. Any other dilated depthwise node becomes a
   * `DepthwiseConv2D` with its kernel spelled out undilated (zeros between the taps). Default false.
   */
  readonly forSaving?: boolean;
}

/** The inputs tfjs passes node `i`: all of them but a masked recurrent node's mask source. */
function tfjsInputs(model: Model, i: number): readonly string[] {
  const inputs = inputsOf(model, i);
  const c = model.layers[i].config;
  return c.kind === 'recurrent' && c.maskValue !== undefined ? inputs.slice(0, 1) : inputs;
}

function cannotExpress(node: string, why: string): never {
  throw new DcError('UNSUPPORTED_LAYER', `node "${node}": its mask cannot be expressed as tfjs mask propagation: ${why}`, {
    tensor: node,
    hint: 'tfjs computes a recurrent layer\'s mask from an Embedding with maskZero (mask value 0) or a Masking layer (its mask value, its input as the mask source) through single-input layers to the recurrent layer.',
  });
}

/**
 * Makes tfjs hand each masked recurrent node the mask of its IR mask edge, and nothing else: walks
 * from the node back along first inputs to an `embedding` with `maskZero` (mask value 0) or a
 * `masking` node of the node's mask value reading the mask source, lets every layer on the way
 * carry the mask (`supportsMasking`: a position-wise Dense's reshapes and 1×1 convolution, say;
 * none of them reads it), then traces tfjs's masks (`masks.ts`) and
 * checks they are the IR's. Throws `UNSUPPORTED_LAYER` naming the node otherwise.
 */
function planMasks(model: Model, layers: tf.layers.Layer[]): void {
  const index = new Map(model.layers.map((l, i) => [l.name, i]));
  model.layers.forEach((node, i) => {
    const c = node.config;
    if (c.kind !== 'recurrent' || c.maskValue === undefined) return;
    const source = inputsOf(model, i)[1];
    for (let at = index.get(inputsOf(model, i)[0]); ; at = index.get(inputsOf(model, at)[0])) {
      if (at === undefined) cannotExpress(node.name, `no ${c.maskValue === 0 ? 'Embedding with maskZero or ' : ''}Masking layer of mask value ${c.maskValue} reading "${source}" precedes it`);
      const on = model.layers[at];
      if (on.config.kind === 'embedding' && on.config.maskZero === true && c.maskValue === 0 && inputsOf(model, at)[0] === source) break;
      if (on.config.kind === 'masking' && on.config.maskValue === c.maskValue && inputsOf(model, at)[0] === source) break;
      if (tfjsInputs(model, at).length !== 1) cannotExpress(node.name, `"${on.name}" (${on.config.kind}) lies between it and its Embedding and has several inputs`);
      if (on.config.kind === 'embedding') cannotExpress(node.name, on.config.maskZero === true && inputsOf(model, at)[0] === source ? `"${on.name}" masks id 0, not mask value ${c.maskValue}` : `"${on.name}" reads other ids or has no maskZero`);
      if (on.config.kind !== 'recurrent') layers[at].supportsMasking = true;
    }
  });
  const consumed = traceMasks(model.layers.map((node, i) => ({ name: node.name, inputs: tfjsInputs(model, i), role: maskRole(layers[i]) })), cannotExpress);
  model.layers.forEach((node, i) => {
    const c = node.config;
    if (c.kind !== 'recurrent') return;
    const want = c.maskValue === undefined ? null : inputsOf(model, i)[1];
    const got = consumed.get(node.name) ?? null;
    const same = got === null ? want === null : got.from === want && got.maskValue === c.maskValue;
    if (!same) {
      cannotExpress(node.name, got === null ? `tfjs would run it unmasked (no mask reaches its input)` : `tfjs would mask it by "${got.from}" at mask value ${got.maskValue} (an Embedding with maskZero or a Masking layer upstream)`);
    }
  });
}

/** The tfjs layer of `node`, whose output has `shape` (without the batch axis). */
function makeLayer(node: Layer, tfjs: typeof tf, shape: readonly number[]): tf.layers.Layer {
  const c: LayerConfig = node.config;
  const name = node.name;
  // Weights are set right after, so initialisers only need to be cheap.
  const init = { kernelInitializer: 'zeros' as const, biasInitializer: 'zeros' as const };
  const window = (k: { kernelSize: readonly [number, number]; strides: readonly [number, number]; dilationRate?: readonly [number, number] }) => ({
    kernelSize: [...k.kernelSize],
    strides: [...k.strides],
    ...(k.dilationRate ? { dilationRate: [...k.dilationRate] as [number, number] } : {}),
  });
  switch (c.kind) {
    case 'dense':
      return tfjs.layers.dense({ name, ...init, units: c.units, activation: c.activation as never, useBias: c.useBias });
    case 'conv2d':
      return tfjs.layers.conv2d({ name, ...init, filters: c.filters, ...window(c), padding: c.padding, activation: c.activation as never, useBias: c.useBias });
    case 'conv2dTranspose':
      return tfjs.layers.conv2dTranspose({ name, ...init, filters: c.filters, kernelSize: [...c.kernelSize], strides: [...c.strides], padding: c.padding, activation: c.activation as never, useBias: c.useBias });
    case 'depthwiseConv2d': {
      const args = {
        name,
        depthwiseInitializer: 'zeros' as const,
        biasInitializer: 'zeros' as const,
        ...window(c),
        kernelSize: [...c.kernelSize] as [number, number],
        depthMultiplier: c.depthMultiplier,
        padding: c.padding,
        activation: c.activation as never,
        useBias: c.useBias,
      };
      // tfjs's own layer would run a dilated node undilated.
      return c.dilationRate && c.dilationRate.some((d) => d > 1) ? makeDilatedDepthwiseLayer(tfjs, { ...args, dilationRate: [...c.dilationRate] as [number, number] }) : tfjs.layers.depthwiseConv2d(args);
    }
    case 'batchNorm': {
      const layer = tfjs.layers.batchNormalization({ name, axis: -1, epsilon: c.epsilon, center: c.center, scale: c.scale, ...(c.fixed ? { trainable: false } : {}) });
      // Fixed statistics (Keras' Normalization, a frozen BatchNormalization) are never re-estimated from a training batch.
      if (c.fixed) withFixedStatistics(tfjs, layer);
      return layer;
    }
    case 'layerNorm':
      return tfjs.layers.layerNormalization({ name, axis: c.trailingAxes === undefined ? -1 : Array.from({ length: c.trailingAxes }, (_, i) => i - c.trailingAxes!), epsilon: c.epsilon, center: c.center, scale: c.scale });
    case 'groupNorm':
      return groupNormalization(tfjs, { name, groups: c.groups, epsilon: c.epsilon, center: c.center, scale: c.scale });
    case 'unitNorm':
      return unitNormalization(tfjs, { name, axis: Array.from({ length: c.trailingAxes ?? 1 }, (_, i) => i - (c.trailingAxes ?? 1)) });
    case 'prelu':
      return tfjs.layers.prelu({ name, alphaInitializer: 'zeros', ...(c.sharedAxes ? { sharedAxes: [...c.sharedAxes] } : {}) });
    case 'recurrent': {
      const rnn = { name, units: c.units, activation: c.activation as never, useBias: c.useBias, returnSequences: c.returnSequences, goBackwards: c.goBackwards ?? false, ...init, recurrentInitializer: 'zeros' as const };
      const gated = { ...rnn, recurrentActivation: c.recurrentActivation as never };
      // Keras' reset-after GRU, which tfjs lacks: dc's layer computing it (reset-after-gru.ts).
      const gru = () => (c.resetAfter ? resetAfterGru(tfjs, gated) : tfjs.layers.gru(gated));
      const layer = c.cell === 'simpleRnn' ? tfjs.layers.simpleRNN(rnn) : c.cell === 'lstm' ? tfjs.layers.lstm(gated) : gru();
      // Both passes in tfjs's wrapper, named as the node; its inner layers are forward_<name>, backward_<name>.
      return c.merge ? tfjs.layers.bidirectional({ name, layer: layer as tf.RNN, mergeMode: c.merge }) : layer;
    }
    case 'embedding':
      return tfjs.layers.embedding({ name, inputDim: c.inputDim, outputDim: c.outputDim, embeddingsInitializer: 'zeros', ...(c.maskZero ? { maskZero: true } : {}) });
    case 'maxPool2d':
      return tfjs.layers.maxPooling2d({ name, poolSize: [...c.poolSize], strides: [...c.strides], padding: c.padding });
    case 'avgPool2d':
      return tfjs.layers.averagePooling2d({ name, poolSize: [...c.poolSize], strides: [...c.strides], padding: c.padding });
    case 'globalAvgPool2d':
      return tfjs.layers.globalAveragePooling2d({ name });
    case 'globalMaxPool2d':
      return tfjs.layers.globalMaxPooling2d({ name });
    case 'zeroPadding2d':
      return tfjs.layers.zeroPadding2d({ name, padding: [[...c.amounts[0]], [...c.amounts[1]]] as [[number, number], [number, number]] });
    case 'cropping2d':
      return tfjs.layers.cropping2D({ name, cropping: [[...c.amounts[0]], [...c.amounts[1]]] as [[number, number], [number, number]] });
    case 'upSampling2d':
      return tfjs.layers.upSampling2d({ name, size: [...c.size], ...(c.interpolation ? { interpolation: c.interpolation } : {}) });
    case 'resizing':
      // tfjs's own Resizing aligns the corners: dc's layer computes Keras' (resizing.ts).
      return resizing(tfjs, { name, height: c.size[0], width: c.size[1], interpolation: c.interpolation });
    case 'flatten':
      return tfjs.layers.flatten({ name });
    case 'reshape':
      return tfjs.layers.reshape({ name, targetShape: [...c.targetShape] });
    case 'permute':
      return tfjs.layers.permute({ name, dims: [...c.dims] });
    case 'activation':
      if (c.activation === 'leakyRelu') return tfjs.layers.leakyReLU({ name, ...(c.alpha === undefined ? {} : { alpha: c.alpha }) });
      if (c.activation === 'thresholdedRelu') return tfjs.layers.thresholdedReLU({ name, ...(c.theta === undefined ? {} : { theta: c.theta }) });
      if (c.activation === 'relu' && c.maxValue !== undefined) return tfjs.layers.reLU({ name, maxValue: c.maxValue });
      if (c.activation === 'softmax' && c.axis !== undefined) return tfjs.layers.softmax({ name, axis: c.axis });
      return tfjs.layers.activation({ name, activation: c.activation as never });
    case 'masking':
      return tfjs.layers.masking({ name, maskValue: c.maskValue });
    case 'dropout':
      switch (c.variant ?? 'dropout') {
        case 'spatialDropout1d': return tfjs.layers.spatialDropout1d({ name, rate: c.rate });
        case 'gaussianNoise': return tfjs.layers.gaussianNoise({ name, stddev: c.rate });
        case 'gaussianDropout': return tfjs.layers.gaussianDropout({ name, rate: c.rate });
        case 'alphaDropout': return tfjs.layers.alphaDropout({ name, rate: c.rate });
        default: {
          // tfjs's noiseShape, one entry per axis with the batch: 1 where the mask is shared, null where drawn.
          const noiseShape = c.sharedAxes && [0, ...shape].map((_, axis) => (c.sharedAxes!.includes(axis) ? 1 : null));
          return tfjs.layers.dropout({ name, rate: c.rate, ...(noiseShape ? { noiseShape: noiseShape as number[] } : {}) });
        }
      }
    case 'rescale': return tfjs.layers.rescaling({ name, scale: c.scale, offset: c.offset });
    case 'add': return tfjs.layers.add({ name });
    case 'subtract': return makeSubtractLayer(tfjs, name);
    case 'multiply': return tfjs.layers.multiply({ name });
    case 'average': return tfjs.layers.average({ name });
    case 'maximum': return tfjs.layers.maximum({ name });
    case 'minimum': return tfjs.layers.minimum({ name });
    case 'concatenate': return tfjs.layers.concatenate({ name, axis: c.axis });
    case 'dot': return tfjs.layers.dot({ name, axes: [c.axes[0], c.axes[1]], normalize: c.normalize });
  }
}
