import type * as tf from '@tensorflow/tfjs';
import { inputNameOf, inputsOf } from '../ir/graph.js';
import type { Layer, LayerConfig, Model } from '../ir/model.js';
import { validateModel } from '../ops/validate-model.js';
import { makeSubtractLayer } from './subtract-layer.js';
import { setLayerWeights } from './weight-names.js';

type SymbolicTensor = tf.SymbolicTensor;

/**
 * Builds a tfjs `LayersModel` from the IR (the functional API: one `tf.input`, each node applied to
 * its inputs), with the IR's node names and bit-exact weights. This is the one IR → tfjs executor:
 * the trainer, the runtime's tfjs backend and the conformance reference all run through it.
 * `tfjs` is the namespace to build with (so callers control which tfjs copy and backend run it).
 */
export function toLayersModel(model: Model, tfjs: typeof tf): tf.LayersModel {
  validateModel(model);
  const input = tfjs.input({ shape: [...model.inputShape], name: inputNameOf(model) });
  const values = new Map<string, SymbolicTensor>([[inputNameOf(model), input]]);
  const layers: tf.layers.Layer[] = [];
  model.layers.forEach((node, i) => {
    const layer = makeLayer(node, tfjs);
    const inputs = inputsOf(model, i).map((n) => values.get(n)!);
    values.set(node.name, layer.apply(inputs.length === 1 ? inputs[0] : inputs) as SymbolicTensor);
    layers.push(layer);
  });
  const lm = tfjs.model({ inputs: input, outputs: values.get(model.layers[model.layers.length - 1].name)!, name: model.name });
  model.layers.forEach((node, i) => setLayerWeights(layers[i], node, tfjs));
  return lm;
}

function makeLayer(node: Layer, tfjs: typeof tf): tf.layers.Layer {
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
    case 'depthwiseConv2d':
      return tfjs.layers.depthwiseConv2d({
        name,
        depthwiseInitializer: 'zeros',
        biasInitializer: 'zeros',
        ...window(c),
        kernelSize: [...c.kernelSize],
        depthMultiplier: c.depthMultiplier,
        padding: c.padding,
        activation: c.activation as never,
        useBias: c.useBias,
      });
    case 'batchNorm':
      return tfjs.layers.batchNormalization({ name, axis: -1, epsilon: c.epsilon, center: c.center, scale: c.scale });
    case 'layerNorm':
      return tfjs.layers.layerNormalization({ name, axis: -1, epsilon: c.epsilon, center: c.center, scale: c.scale });
    case 'recurrent': {
      const rnn = { name, units: c.units, activation: c.activation as never, useBias: c.useBias, returnSequences: c.returnSequences, goBackwards: c.goBackwards ?? false, ...init, recurrentInitializer: 'zeros' as const };
      const gated = { ...rnn, recurrentActivation: c.recurrentActivation as never };
      const layer = c.cell === 'simpleRnn' ? tfjs.layers.simpleRNN(rnn) : c.cell === 'lstm' ? tfjs.layers.lstm(gated) : tfjs.layers.gru(gated);
      // Both passes in tfjs's wrapper, named as the node; its inner layers are forward_<name>, backward_<name>.
      return c.merge ? tfjs.layers.bidirectional({ name, layer: layer as tf.RNN, mergeMode: c.merge }) : layer;
    }
    case 'embedding':
      return tfjs.layers.embedding({ name, inputDim: c.inputDim, outputDim: c.outputDim, embeddingsInitializer: 'zeros' });
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
    case 'flatten':
      return tfjs.layers.flatten({ name });
    case 'reshape':
      return tfjs.layers.reshape({ name, targetShape: [...c.targetShape] });
    case 'permute':
      return tfjs.layers.permute({ name, dims: [...c.dims] });
    case 'activation':
      if (c.activation === 'leakyRelu') return tfjs.layers.leakyReLU({ name, ...(c.alpha === undefined ? {} : { alpha: c.alpha }) });
      if (c.activation === 'relu' && c.maxValue !== undefined) return tfjs.layers.reLU({ name, maxValue: c.maxValue });
      if (c.activation === 'softmax' && c.axis !== undefined) return tfjs.layers.softmax({ name, axis: c.axis });
      return tfjs.layers.activation({ name, activation: c.activation as never });
    case 'dropout':
      switch (c.variant ?? 'dropout') {
        case 'spatialDropout1d': return tfjs.layers.spatialDropout1d({ name, rate: c.rate });
        case 'gaussianNoise': return tfjs.layers.gaussianNoise({ name, stddev: c.rate });
        case 'gaussianDropout': return tfjs.layers.gaussianDropout({ name, rate: c.rate });
        case 'alphaDropout': return tfjs.layers.alphaDropout({ name, rate: c.rate });
        default: return tfjs.layers.dropout({ name, rate: c.rate });
      }
    case 'rescale': return tfjs.layers.rescaling({ name, scale: c.scale, offset: c.offset });
    case 'add': return tfjs.layers.add({ name });
    case 'subtract': return makeSubtractLayer(tfjs, name);
    case 'multiply': return tfjs.layers.multiply({ name });
    case 'average': return tfjs.layers.average({ name });
    case 'maximum': return tfjs.layers.maximum({ name });
    case 'minimum': return tfjs.layers.minimum({ name });
    case 'concatenate': return tfjs.layers.concatenate({ name, axis: c.axis });
  }
}
