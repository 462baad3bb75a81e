/**
 * A model a user would bring with PReLU layers (a MobileFaceNet-style face embedder) through the
 * whole of Deep Compression: converted from tfjs, pruned with retraining (PReLU slopes train with
 * the kernels), batch norms folded, clustered, Huffman-coded into a `.dcm` file, which the cpu
 * runtime runs as tfjs runs the compressed model; the file converts back to a tfjs model with real
 * PReLU layers.
 */
import { decodeContainer, listParams, toDenseModel } from '@dc/core';
import { miniFaceNet } from '@dc/core/testing';
import { toLayersModel } from '@dc/core/tfjs';
import { huffmanDecoder } from '@dc/huffman/decode';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';
import { compressSelfLabelled } from './self-labelled.test-support.js';
import { maxRelativeError, referencePredict } from './testing/reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a MobileFaceNet-style model with PReLU layers', () => {
  it('is pruned with retraining, folded, clustered and written; the cpu runtime runs the file as tfjs runs the compressed model', async () => {
    const { model, result, x, n } = await compressSelfLabelled(tf, miniFaceNet(tf), [12, 12, 3], 3);
    const { model: compressed, artifacts } = result;

    // The pruned kernels kept their zeros through retraining; the slopes were retrained, still in tfjs's shapes.
    const masks = artifacts['prune/masks']!;
    expect(masks.get('conv1/kernel')!.reduce((zeros, m) => zeros + (m === 0 ? 1 : 0), 0)).toBe(108);
    const alphaOf = (m: typeof model, name: string) => m.layers.find((l) => l.name === name)!.params.alpha!;
    expect(['prelu1', 'prelu3', 'prelu5'].map((p) => alphaOf(compressed, p).shape)).toEqual([[1, 1, 8], [6, 6, 16], [12]]);
    expect(alphaOf(compressed, 'prelu1').values).not.toEqual(alphaOf(model, 'prelu1').values);
    expect(compressed.layers.map((l) => l.config.kind)).not.toContain('batchNorm');

    // The file holds every slope exactly, dense float32, in op set 3; the compressed kernels are coded.
    const bytes = artifacts['encode/file']!.bytes;
    const decoded = decodeContainer(bytes, { decoders: [huffmanDecoder] });
    const preluKeys = listParams(compressed).filter((r) => r.param === 'alpha').map((r) => r.key);
    expect(preluKeys).toEqual(['prelu1/alpha', 'prelu2/alpha', 'prelu3/alpha', 'prelu4/alpha', 'prelu5/alpha']);
    for (const key of preluKeys) {
      const t = decoded.tensors.get(key)!;
      expect(t.layout === 'dense' && Array.from(t.values)).toEqual(Array.from(listParams(compressed).find((r) => r.key === key)!.tensor.values));
    }
    expect(decoded.tensors.get('expand/kernel')!.layout).toBe('sparse-coded');

    // The cpu runtime on the file: each PReLU in place over the convolution before it, outputs as tfjs's.
    const loaded = await loadCompressedModel(bytes);
    const prelu1 = loaded.plan.steps.findIndex((s) => s.name === 'prelu1');
    expect(loaded.plan.inPlace[prelu1]).toBe(0);
    const session = await createSession(loaded, { backend: createCpuBackend() });
    try {
      const reference = await referencePredict(tf, compressed, x, n);
      expect(maxRelativeError(await session.predict(x, n), reference, n)).toBeLessThanOrEqual(1e-5);
      // And back to tfjs: real PReLU layers predicting the same.
      const back = toLayersModel(toDenseModel(decoded), tf);
      expect(back.getLayer('prelu1').getClassName()).toBe('PReLU');
      const y = tf.tidy(() => (back.predict(tf.tensor4d(x, [n, 12, 12, 3])) as tf.Tensor).dataSync() as Float32Array);
      expect(Array.from(y)).toEqual(Array.from(reference));
      back.dispose();
    } finally {
      session.dispose();
    }
  });
});
