import type * as tf from '@tensorflow/tfjs';
import type { Model } from '../ir/model.js';
import { fromLayersModel } from '../tfjs/convert-from.js';

/** LeNet-300-100 (784-300-100-10) freshly initialised (Glorot-uniform, seeds 1, 2, 3), as IR: the slow tests' model. */
export function lenet300100(tfjs: typeof tf): Model {
  const init = (seed: number) => tfjs.initializers.glorotUniform({ seed });
  const lm = tfjs.sequential({
    name: 'lenet-300-100',
    layers: [
      tfjs.layers.dense({ inputShape: [784], units: 300, activation: 'relu', name: 'ip1', kernelInitializer: init(1) }),
      tfjs.layers.dense({ units: 100, activation: 'relu', name: 'ip2', kernelInitializer: init(2) }),
      tfjs.layers.dense({ units: 10, activation: 'softmax', name: 'ip3', kernelInitializer: init(3) }),
    ],
  });
  try {
    return fromLayersModel(lm);
  } finally {
    lm.dispose();
  }
}
