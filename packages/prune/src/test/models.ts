/** Small IR models for the tests (not part of the published build). */
import { createRandom } from '@dc/core';
import type { Model, Tensor } from '@dc/core';

/** A tensor of `shape` with seeded normal-ish values of scale `scale`. */
export function randomTensor(shape: number[], seed: number, scale = 0.1): Tensor {
  const r = createRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (r.next() + r.next() + r.next() - 1.5) * 2 * scale;
  return { shape, values };
}

/** An MLP 8 → 6 → 3 with biases. */
export function tinyMlp(seed = 1): Model {
  return {
    name: 'tiny-mlp',
    inputShape: [8],
    layers: [
      { name: 'd1', config: { kind: 'dense', units: 6, activation: 'relu', useBias: true }, params: { kernel: randomTensor([8, 6], seed), bias: randomTensor([6], seed + 1) } },
      { name: 'd2', config: { kind: 'dense', units: 3, activation: 'softmax', useBias: true }, params: { kernel: randomTensor([6, 3], seed + 2), bias: randomTensor([3], seed + 3) } },
    ],
  };
}

/** A conv net: conv 3×3×1×4 → flatten → dense 144 → 5. */
export function tinyConvNet(seed = 7): Model {
  return {
    name: 'tiny-conv',
    inputShape: [8, 8, 1],
    layers: [
      {
        name: 'c1',
        config: { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', useBias: true },
        params: { kernel: randomTensor([3, 3, 1, 4], seed), bias: randomTensor([4], seed + 1) },
      },
      { name: 'flat', config: { kind: 'flatten' }, params: {} },
      { name: 'out', config: { kind: 'dense', units: 5, activation: 'softmax', useBias: true }, params: { kernel: randomTensor([144, 5], seed + 2), bias: randomTensor([5], seed + 3) } },
    ],
  };
}
