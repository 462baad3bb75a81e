/**
 * A model a user would bring with squeeze-and-excitation and a spatial attention gate (an
 * EfficientNet-style block, whose merges tfjs broadcasts) through the whole of Deep Compression:
 * converted from tfjs (each broadcast input repeated by upsampling nodes), pruned with retraining,
 * batch norms folded, clustered, Huffman-coded into a `.dcm` file, which the cpu and tfjs runtimes
 * run as tfjs runs the compressed model.
 */
import { createPipeline, foldBatchNorm, type Stage } from '@dc/core';
import { miniEfficientNet } from '@dc/core/testing';
import { createTfjsTrainer, fromLayersModel } from '@dc/core/tfjs';
import { huffmanEncode } from '@dc/huffman';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';
import { createTfjsBackend } from './tfjs/index.js';
import { randomInput } from './testing/random-model.js';
import { maxRelativeError, referencePredict } from './testing/reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('an EfficientNet-style model with squeeze-and-excitation and a spatial gate', () => {
  it('is pruned with retraining, folded, clustered and written; the cpu and tfjs runtimes run the file as tfjs runs the compressed model', async () => {
    const original = miniEfficientNet(tf);
    const model = fromLayersModel(original);
    // Labels the model itself gives: a task it can keep while it is compressed.
    const n = 48;
    const x = randomInput(4, n * 432).map((v) => 2 * v - 1);
    const xs = tf.tensor4d(x, [n, 12, 12, 3]);
    const ys = tf.tidy(() => tf.argMax(original.predict(xs) as tf.Tensor, -1).cast('int32'));
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: 16, seed: 1, batchNorm: 'frozen' });
    const stages = [pruneLowMagnitude({ sparsity: 0.5, retrain: { epochs: 1, learningRate: 1e-3 } }), foldBatchNorm(), clusterWeights({ bits: 5, epochs: 1, learningRate: 1e-4 }), huffmanEncode()] as Stage[];
    const { model: compressed, artifacts } = await createPipeline().useAll(stages).run(model, { trainer, seed: 1 });
    tf.dispose([xs, ys]);
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
