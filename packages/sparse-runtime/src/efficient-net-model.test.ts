/**
 * A model a user would bring with squeeze-and-excitation and a spatial attention gate (an
 * EfficientNet-style block, whose merges tfjs broadcasts) through the whole of Deep Compression:
 * converted from tfjs (each broadcast input repeated by upsampling nodes), pruned with retraining,
 * batch norms folded, clustered, Huffman-coded into a `.dcm` file, which the cpu and tfjs runtimes
 * run as tfjs runs the compressed model.
 */
import { miniEfficientNet } from '@dc/core/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';
import { compressSelfLabelled } from './self-labelled.test-support.js';
import { createTfjsBackend } from './tfjs/index.js';
import { maxRelativeError, referencePredict } from './testing/reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('an EfficientNet-style model with squeeze-and-excitation and a spatial gate', () => {
  it('is pruned with retraining, folded, clustered and written; the cpu and tfjs runtimes run the file as tfjs runs the compressed model', async () => {
    const original = miniEfficientNet(tf);
    const { result, x, n } = await compressSelfLabelled(tf, original, [12, 12, 3], 4);
    const { model: compressed, artifacts } = result;
    original.dispose();

    // The squeeze-and-excitation reduce kernel kept half its 64 weights through retraining; the repeats hold no weights.
    expect(artifacts['prune/masks']!.get('se_reduce/kernel')!.reduce((kept, m) => kept + m, 0)).toBe(32);
    expect(compressed.layers.filter((l) => l.config.kind === 'upSampling2d').map((l) => [l.name, Object.keys(l.params)])).toEqual([
      ['se_excite_broadcast1_positions', []],
      ['gated_broadcast1_channels', []],
    ]);

    const loaded = await loadCompressedModel(artifacts['encode/file']!.bytes);
    const reference = await referencePredict(tf, compressed, x, n);
    for (const backend of [createCpuBackend(), await createTfjsBackend({ tf, tfBackend: 'cpu' })]) {
      const session = await createSession(loaded, { backend });
      try {
        expect(maxRelativeError(await session.predict(x, n), reference, n)).toBeLessThanOrEqual(1e-5);
      } finally {
        session.dispose();
      }
    }
  });
});
