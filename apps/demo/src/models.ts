import type { Model } from '@dc/core';
import { fromLayersModel } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';

/** The networks the demo knows. */
export const MODEL_NAMES = ['lenet-300-100', 'lenet-5', 'seed-convnet'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Input shape (without batch) of each network. */
export const INPUT_SHAPES: Record<ModelName, number[]> = {
  'lenet-300-100': [784],
  'lenet-5': [28, 28, 1],
  'seed-convnet': [28, 28, 1],
};

/**
 * Builds a freshly initialised network (Glorot-uniform kernels seeded from `seed`, zero biases)
 * and returns it as IR. Layer names follow the paper's tables (ip1, conv1, ...).
 */
export function buildModel(name: ModelName, tfjs: typeof tf, seed: number): Model {
  let n = 0;
  const init = () => ({ kernelInitializer: tfjs.initializers.glorotUniform({ seed: seed * 100 + n++ }) });
  const L = tfjs.layers;
  const layers: tf.layers.Layer[] = {
    // 784-300-100-10, the paper's LeNet-300-100.
    'lenet-300-100': () => [
      L.dense({ inputShape: [784], units: 300, activation: 'relu', name: 'ip1', ...init() }),
      L.dense({ units: 100, activation: 'relu', name: 'ip2', ...init() }),
      L.dense({ units: 10, activation: 'softmax', name: 'ip3', ...init() }),
    ],
    // Caffe's LeNet-5 (the paper's): no nonlinearity after the convolutions.
    'lenet-5': () => [
      L.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, name: 'conv1', ...init() }),
      L.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }),
      L.conv2d({ filters: 50, kernelSize: 5, name: 'conv2', ...init() }),
      L.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' }),
      L.flatten({ name: 'flatten' }),
      L.dense({ units: 500, activation: 'relu', name: 'ip1', ...init() }),
      L.dense({ units: 10, activation: 'softmax', name: 'ip2', ...init() }),
    ],
    // The reference TensorFlow implementation's network: stride-2 SAME convolutions, no biases.
    'seed-convnet': () => [
      L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', useBias: false, name: 'conv1', ...init() }),
      L.conv2d({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', useBias: false, name: 'conv2', ...init() }),
      L.flatten({ name: 'flatten' }),
      L.dense({ units: 1024, activation: 'relu', useBias: false, name: 'fc1', ...init() }),
      L.dense({ units: 10, activation: 'softmax', useBias: false, name: 'fc2', ...init() }),
    ],
  }[name]();
  const lm = tfjs.sequential({ name, layers });
  try {
    return fromLayersModel(lm);
  } finally {
    lm.dispose();
  }
}
