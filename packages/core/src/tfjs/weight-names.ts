/**
 * How tfjs names a layer's weights and which IR parameter each is: `kernel`, `depthwise_kernel`,
 * `embeddings` → `kernel`; `recurrent_kernel` → `recurrentKernel`; `bias`; `gamma`, `beta`, `moving_mean`, `moving_variance`; `PReLU`'s `alpha`. One place for both
 * directions, the converters and the trainer's variable map. A `Bidirectional` layer's forward and
 * backward weights of one parameter are the halves of the IR's stacked tensor (`bidirectional.ts`).
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Layer, Model, ParamName, Tensor } from '../ir/model.js';
import { isBidirectional, passOf, stackPasses } from './bidirectional.js';

const BY_TFJS_NAME: Readonly<Record<string, ParamName>> = {
  kernel: 'kernel',
  depthwise_kernel: 'kernel',
  embeddings: 'kernel',
  recurrent_kernel: 'recurrentKernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  moving_mean: 'movingMean',
  moving_variance: 'movingVariance',
  alpha: 'alpha',
};

/** The IR parameter a tfjs weight holds, from its original name (`conv1/kernel` → `kernel`), or undefined. */
export function paramOfWeight(originalName: string): ParamName | undefined {
  const base = originalName.slice(originalName.lastIndexOf('/') + 1).replace(/_\d+$/, '');
  return Object.hasOwn(BY_TFJS_NAME, base) ? BY_TFJS_NAME[base] : undefined;
}

/** Sets a freshly built tfjs layer's weights from an IR node's parameters (bit-exact). */
export function setLayerWeights(layer: tf.layers.Layer, node: Layer, tfjs: typeof tf): void {
  if (layer.weights.length === 0) return;
  const half = layer.weights.length / 2;
  const values = layer.weights.map((w, i) => {
    const param = paramOfWeight(w.originalName);
    const stacked = param ? node.params[param] : undefined;
    if (!stacked) throw new DcError('INVALID_MODEL', `layer "${node.name}": no IR parameter for tfjs weight "${w.originalName}"`, { tensor: node.name });
    const t = isBidirectional(layer) ? passOf(stacked, i < half ? 0 : 1) : stacked;
    return tfjs.tensor(t.values, [...t.shape], 'float32');
  });
  layer.setWeights(values);
  tfjs.dispose(values);
}

/**
 * `model` with every parameter replaced by the current value of the same weight in `lm` (built by
 * `toLayersModel(model)`): how trained weights come back without re-converting the topology.
 */
export function readLayerWeights(lm: tf.LayersModel, model: Model): Model {
  const layers = model.layers.map((node) => {
    const layer = lm.getLayer(node.name);
    if (layer.weights.length === 0) return node;
    const params: Partial<Record<ParamName, Tensor>> = {};
    const current = layer.getWeights();
    layer.weights.forEach((w, i) => {
      const param = paramOfWeight(w.originalName);
      if (!param) return;
      const t = { shape: [...w.shape] as number[], values: new Float32Array(current[i].dataSync() as Float32Array) };
      // A Bidirectional layer lists its forward weights, then its backward ones.
      params[param] = isBidirectional(layer) && params[param] ? stackPasses(params[param], t) : t;
    });
    return { ...node, params };
  });
  return { ...model, layers };
}
