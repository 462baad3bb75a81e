/**
 * `dcmHandler` of `@dc/core/tfjs` (a `.dcm` file as an ordinary tfjs LayersModel) against this
 * runtime: the same file, run by `tf.loadLayersModel(dcmHandler(bytes))` and by the cpu backend,
 * gives the same predictions.
 */
import { encodeContainer, type Codebook, type Model } from '@dc/core';
import { dcmHandler } from '@dc/core/tfjs';
import { withRandomParams } from '@dc/core/testing';
import { huffmanEncoder } from '@dc/huffman';
import { huffmanDecoder } from '@dc/huffman/decode';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';
import { maxRelativeError, randomInput } from './testing/index.js';

/** `model` with `key`'s kernel pruned to every 3rd weight and clustered to 8 levels, and its codebook. */
function pruneAndCluster(model: Model, layer: string): { model: Model; codebooks: Map<string, Codebook> } {
  const node = model.layers.find((l) => l.name === layer)!;
  const kernel = node.params.kernel!;
  const positions = Uint32Array.from({ length: Math.floor(kernel.values.length / 3) }, (_, i) => 3 * i + 1);
  const centroids = Float32Array.from({ length: 8 }, (_, i) => (i - 3.5) / 8);
  const codes = Uint8Array.from(positions, (p) => Math.min(7, Math.max(0, Math.round(kernel.values[p] * 8 + 3.5))));
  const values = new Float32Array(kernel.values.length);
  positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
  const layers = model.layers.map((l) => (l === node ? { ...l, params: { ...l.params, kernel: { shape: kernel.shape, values } } } : l));
  return { model: { ...model, layers }, codebooks: new Map([[`${layer}/kernel`, { bits: 3, centroids, positions, codes }]]) };
}

const convnet = withRandomParams(
  {
    name: 'convnet',
    inputShape: [12, 12, 2],
    layers: [
      { name: 'conv1', config: { kind: 'conv2d', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true } },
      { name: 'pool1', config: { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
      { name: 'conv2', config: { kind: 'conv2d', filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', useBias: true } },
      { name: 'flatten', config: { kind: 'flatten' } },
      { name: 'fc', config: { kind: 'dense', units: 5, activation: 'softmax', useBias: true } },
    ],
  },
  7,
);

describe('dcmHandler: a .dcm file as a tfjs LayersModel', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('predicts what the sparse runtime (cpu backend) predicts from the same file', async () => {
    const { model, codebooks } = pruneAndCluster(convnet, 'conv2');
    const bytes = encodeContainer({ model, codebooks, stages: [] }, { encoders: [huffmanEncoder] }).bytes;
    const lm = await tf.loadLayersModel(dcmHandler(bytes, { decoders: [huffmanDecoder], tf }));
    expect(lm.layers.map((l) => l.name)).toEqual(['input', ...model.layers.map((l) => l.name)]);
    const batch = 16;
    const input = randomInput(3, batch * 12 * 12 * 2);
    const fromTfjs = tf.tidy(() => (lm.predict(tf.tensor(input, [batch, 12, 12, 2])) as tf.Tensor).dataSync() as Float32Array);
    const session = await createSession(await loadCompressedModel(bytes), { backend: createCpuBackend() });
    const fromRuntime = await session.predict(input, batch);
    session.dispose();
    lm.dispose();
    expect(maxRelativeError(fromTfjs, fromRuntime, batch)).toBeLessThan(1e-5);
    const argmax = (y: Float32Array) => Array.from({ length: batch }, (_, s) => y.subarray(s * 5, s * 5 + 5).indexOf(Math.max(...y.subarray(s * 5, s * 5 + 5))));
    expect(argmax(fromTfjs)).toEqual(argmax(fromRuntime));
  });

  it('without the Huffman decoder a coded file is UNKNOWN_ENCODING, naming the package', async () => {
    const { model, codebooks } = pruneAndCluster(convnet, 'conv2');
    const bytes = encodeContainer({ model, codebooks, stages: [] }, { encoders: [huffmanEncoder] }).bytes;
    await expect(tf.loadLayersModel(dcmHandler(bytes, { tf }))).rejects.toMatchObject({ code: 'UNKNOWN_ENCODING' });
  });
});
