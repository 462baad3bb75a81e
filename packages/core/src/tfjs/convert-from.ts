import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Activation, Layer, LayerConfig, Model, Padding, Tensor } from '../ir/model.js';

type TfLayer = tf.layers.Layer;
type Config = Record<string, unknown>;

/**
 * Converts a tfjs `LayersModel` (Sequential, or functional whose layers form one chain) to the IR.
 * Weights are copied bit-exactly. Throws `UNSUPPORTED_LAYER` naming the layer for kinds the IR
 * lacks, `UNSUPPORTED_TOPOLOGY` for branching graphs.
 */
export function fromLayersModel(model: tf.LayersModel): Model {
  const inputShape = model.inputs[0]?.shape.slice(1);
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !inputShape || inputShape.some((d) => d === null)) {
    throw new DcError('UNSUPPORTED_TOPOLOGY', `model "${model.name}" must have one input and one output of fixed shape`);
  }
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  assertChain(model, layers);
  return { name: model.name, inputShape: inputShape as number[], layers: layers.map(convertLayer) };
}

function assertChain(model: tf.LayersModel, layers: TfLayer[]): void {
  layers.forEach((layer, i) => {
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers);
    const expected = i === 0 ? 'InputLayer' : layers[i - 1].name;
    const ok = inbound.length === 1 && (i === 0 ? inbound[0].getClassName() === 'InputLayer' || model.getClassName() === 'Sequential' : inbound[0].name === expected);
    if (!ok && !(i === 0 && inbound.length === 0)) {
      throw new DcError('UNSUPPORTED_TOPOLOGY', `layer "${layer.name}" does not take its input from "${expected}" alone`, { tensor: layer.name });
    }
  });
}

function convertLayer(layer: TfLayer): Layer {
  const cfg = layer.getConfig() as Config;
  const config = convertConfig(layer.name, layer.getClassName(), cfg);
  const params: { kernel?: Tensor; bias?: Tensor } = {};
  const weights = layer.getWeights();
  if (config.kind === 'dense' || config.kind === 'conv2d') {
    params.kernel = toTensor(weights[0]);
    if (config.useBias) params.bias = toTensor(weights[1]);
  } else if (weights.length > 0) {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${layer.name}" (${layer.getClassName()}) has weights the IR cannot hold`, { tensor: layer.name });
  }
  return { name: layer.name, config, params };
}

function toTensor(t: tf.Tensor): Tensor {
  return { shape: [...t.shape], values: new Float32Array(t.dataSync() as Float32Array) };
}

function convertConfig(name: string, className: string, c: Config): LayerConfig {
  switch (className) {
    case 'Dense':
      return { kind: 'dense', units: c.units as number, activation: activation(name, c.activation), useBias: c.useBias as boolean };
    case 'Conv2D':
      if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') unsupported(name, 'Conv2D with channelsFirst');
      if (pair(c.dilationRate ?? 1).some((d) => d !== 1)) unsupported(name, 'dilated Conv2D');
      return {
        kind: 'conv2d',
        filters: c.filters as number,
        kernelSize: pair(c.kernelSize),
        strides: pair(c.strides ?? 1),
        padding: padding(name, c.padding),
        activation: activation(name, c.activation),
        useBias: c.useBias as boolean,
      };
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') unsupported(name, `${className} with channelsFirst`);
      return {
        kind: className === 'MaxPooling2D' ? 'maxPool2d' : 'avgPool2d',
        poolSize: pair(c.poolSize),
        strides: pair(c.strides ?? c.poolSize),
        padding: padding(name, c.padding),
      };
    case 'Flatten':
      return { kind: 'flatten' };
    case 'Activation':
      return { kind: 'activation', activation: activation(name, c.activation) };
    case 'Dropout':
      return { kind: 'dropout', rate: c.rate as number };
    case 'Reshape':
      return { kind: 'reshape', targetShape: [...(c.targetShape as number[])] };
    default:
      return unsupported(name, className);
  }
}

function pair(v: unknown): [number, number] {
  return Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : [v as number, v as number];
}

function padding(name: string, p: unknown): Padding {
  if (p === 'same' || p === 'valid') return p;
  return unsupported(name, `padding "${String(p)}"`);
}

const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'softmax', 'sigmoid', 'tanh'];

function activation(name: string, a: unknown): Activation {
  const value = a ?? 'linear';
  if ((ACTIVATIONS as readonly unknown[]).includes(value)) return value as Activation;
  return unsupported(name, `activation "${String(value)}"`);
}

function unsupported(name: string, what: string): never {
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}": ${what} is not supported`, { tensor: name });
}
