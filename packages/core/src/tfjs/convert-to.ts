import type * as tf from '@tensorflow/tfjs';
import type { Layer, Model } from '../ir/model.js';

/**
 * Builds a tfjs `Sequential` model from the IR, with the IR's layer names and bit-exact weights.
 * `tfjs` is the namespace to build with (so callers control which tfjs copy and backend run it).
 */
export function toLayersModel(model: Model, tfjs: typeof tf): tf.Sequential {
  const seq = tfjs.sequential({ name: model.name });
  model.layers.forEach((layer, i) => {
    const inputShape = i === 0 ? { inputShape: [...model.inputShape] } : {};
    seq.add(makeLayer(layer, tfjs, inputShape));
  });
  model.layers.forEach((layer, i) => {
    const { kernel, bias } = layer.params;
    if (!kernel) return;
    const weights = [tfjs.tensor(kernel.values, [...kernel.shape], 'float32')];
    if (bias) weights.push(tfjs.tensor(bias.values, [...bias.shape], 'float32'));
    seq.layers[i].setWeights(weights);
    tfjs.dispose(weights);
  });
  return seq;
}

function makeLayer(layer: Layer, tfjs: typeof tf, extra: { inputShape?: number[] }): tf.layers.Layer {
  const c = layer.config;
  const base = { name: layer.name, ...extra };
  // Weights are set right after, so initialisers only need to be cheap.
  const init = { kernelInitializer: 'zeros' as const, biasInitializer: 'zeros' as const };
  switch (c.kind) {
    case 'dense':
      return tfjs.layers.dense({ ...base, ...init, units: c.units, activation: c.activation, useBias: c.useBias });
    case 'conv2d':
      return tfjs.layers.conv2d({
        ...base,
        ...init,
        filters: c.filters,
        kernelSize: [...c.kernelSize],
        strides: [...c.strides],
        padding: c.padding,
        activation: c.activation,
        useBias: c.useBias,
      });
    case 'maxPool2d':
      return tfjs.layers.maxPooling2d({ ...base, poolSize: [...c.poolSize], strides: [...c.strides], padding: c.padding });
    case 'avgPool2d':
      return tfjs.layers.averagePooling2d({ ...base, poolSize: [...c.poolSize], strides: [...c.strides], padding: c.padding });
    case 'flatten':
      return tfjs.layers.flatten(base);
    case 'activation':
      return tfjs.layers.activation({ ...base, activation: c.activation });
    case 'dropout':
      return tfjs.layers.dropout({ ...base, rate: c.rate });
    case 'reshape':
      return tfjs.layers.reshape({ ...base, targetShape: [...c.targetShape] });
  }
}
