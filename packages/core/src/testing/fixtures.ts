import type { Codebook } from '../artifacts.js';
import type { StageProvenance } from '../compressed.js';
import { withRandomParams } from './random-params.js';
import type { Layer, Model } from '../ir/model.js';
import type { ImageSet } from '../mnist/dataset.js';
import { createRandom } from '../random.js';

function randomValues(n: number, seed: number, scale: number): Float32Array {
  const r = createRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r.next() * 2 - 1) * scale;
  return out;
}

function dense(name: string, inputs: number, units: number, activation: 'relu' | 'softmax', seed: number): Layer {
  return {
    name,
    config: { kind: 'dense', units, activation, useBias: true },
    params: {
      kernel: { shape: [inputs, units], values: randomValues(inputs * units, seed, Math.sqrt(6 / (inputs + units))) },
      bias: { shape: [units], values: randomValues(units, seed + 1, 0.05) },
    },
  };
}

/** A small MLP (`inputs`-`hidden`-10) with random weights, for stage tests. */
export function tinyDenseModel(seed = 1, inputs = 64, hidden = 32): Model {
  return {
    name: 'tiny-mlp',
    inputShape: [inputs],
    layers: [dense('fc1', inputs, hidden, 'relu', seed), dense('fc2', hidden, 10, 'softmax', seed + 10)],
  };
}

/** A small text classifier on 6 token ids (embedding 50 × 8 → flatten → dense 3) with random weights. */
export function tinyTextModel(seed = 1): Model {
  return {
    name: 'tiny-text',
    inputShape: [6],
    layers: [
      { name: 'embed', config: { kind: 'embedding', inputDim: 50, outputDim: 8 }, params: { kernel: { shape: [50, 8], values: randomValues(400, seed, 0.5) } } },
      { name: 'flat', config: { kind: 'flatten' }, params: {} },
      dense('head', 48, 3, 'softmax', seed + 10),
    ],
  };
}

/** A small convnet on 12×12×1 inputs (conv 3×3×4 → maxpool → flatten → dense 10) with random weights. */
export function tinyConvModel(seed = 1): Model {
  return {
    name: 'tiny-convnet',
    inputShape: [12, 12, 1],
    layers: [
      {
        name: 'conv1',
        config: { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true },
        params: {
          kernel: { shape: [3, 3, 1, 4], values: randomValues(36, seed, 0.5) },
          bias: { shape: [4], values: randomValues(4, seed + 1, 0.05) },
        },
      },
      { name: 'pool1', config: { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, params: {} },
      { name: 'flatten', config: { kind: 'flatten' }, params: {} },
      dense('fc', 144, 10, 'softmax', seed + 20),
    ],
  };
}

/**
 * {@link tinyDenseModel} (64-32-10) with fc1 pruned to every 7th weight (all index gaps 6) and
 * clustered to 4 levels (codes 0..3 in turn), its codebook, and a one-stage provenance: a writer's
 * input for container and file-stage tests.
 */
export function clusteredTinyModel(): { model: Model; codebooks: Map<string, Codebook>; stages: StageProvenance[] } {
  const model = tinyDenseModel(3, 64, 32);
  const kernel = model.layers[0].params.kernel!;
  const positions = Uint32Array.from({ length: Math.floor(kernel.values.length / 7) }, (_, i) => 7 * i + 6);
  const centroids = Float32Array.of(-0.5, -0.25, 0.25, 0.5);
  const codes = Uint8Array.from(positions, (_, i) => i % 4);
  const values = new Float32Array(kernel.values.length);
  positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
  const layers = model.layers.map((l, i) => (i === 0 ? { ...l, params: { ...l.params, kernel: { shape: kernel.shape, values } } } : l));
  const codebooks = new Map<string, Codebook>([['fc1/kernel', { bits: 2, centroids, positions, codes }]]);
  return { model: { ...model, layers }, codebooks, stages: [{ name: 'test:make', options: {} }] };
}

/**
 * A small graph on 10×10×3 inputs with the modern layers: a conv stem with batch norm and ReLU6, a
 * depthwise separable block with a residual `add`, a strided depthwise branch (multiplier 2)
 * concatenated with a 1×1 projection, global average pooling and a softmax head.
 */
export function tinyGraphModel(seed = 1): Model {
  return withRandomParams(
    {
      name: 'tiny-graph',
      inputShape: [10, 10, 3],
      inputName: 'image',
      layers: [
        { name: 'stem', config: { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'linear', useBias: false } },
        { name: 'bn', config: { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true } },
        { name: 'relu6', config: { kind: 'activation', activation: 'relu6' } },
        { name: 'dw', config: { kind: 'depthwiseConv2d', kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1, activation: 'linear', useBias: true } },
        { name: 'pw', config: { kind: 'conv2d', filters: 4, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'relu', useBias: true } },
        { name: 'sum', config: { kind: 'add' }, inputs: ['relu6', 'pw'] },
        { name: 'down', config: { kind: 'depthwiseConv2d', kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: 2, activation: 'relu', useBias: false }, inputs: ['sum'] },
        { name: 'proj', config: { kind: 'conv2d', filters: 3, kernelSize: [1, 1], strides: [2, 2], padding: 'valid', activation: 'linear', useBias: true }, inputs: ['sum'] },
        { name: 'cat', config: { kind: 'concatenate', axis: -1 }, inputs: ['down', 'proj'] },
        { name: 'gap', config: { kind: 'globalAvgPool2d' } },
        { name: 'head', config: { kind: 'dense', units: 5, activation: 'softmax', useBias: true } },
      ],
    },
    seed,
  );
}

/** 8×8 "images" whose class is the brightest of 10 pixel groups: learnable in a few steps (trainer tests). */
export function syntheticImageSet(count: number, seed: number): ImageSet {
  const r = createRandom(seed);
  const images = new Float32Array(count * 64);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = r.int(10);
    labels[i] = label;
    for (let p = 0; p < 64; p++) images[i * 64 + p] = r.next() * 0.3 + (p % 10 === label ? 0.7 : 0);
  }
  return { images, labels, count, height: 8, width: 8 };
}
