/**
 * A user's MobileNetV3-style classifier built from Keras layers tfjs lacks (`hard_swish`,
 * `GroupNormalization`, `SpatialDropout2D`, `UnitNormalization` in a cosine classifier head), trained briefly on
 * real MNIST and saved as model.json: `dc compress` loads, prunes, retrains, clusters and writes it,
 * the written file runs, and `dc export` says what a tfjs app registers to load it back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupNormalization, registerHardSiluActivation, spatialDropout2d, unitNormalization } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dcJson } from '../run-dc.test-support.js';
import { compressedBriefly, seedMathRandom, trainedOnMnist } from './mnist-fixture.test-support.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** Stem conv → GroupNormalization → hard_swish → depthwise → SpatialDropout2D → 1×1 conv → hard_swish → pooled → UnitNormalization → ×16 → softmax; 3 epochs on 2,000 digits. */
async function savedModel(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  registerHardSiluActivation(tf);
  let seed = 1;
  const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) });
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  const stem = ap(tf.layers.activation({ activation: 'hard_silu' as never, name: 'stem_hard_swish' }), ap(groupNormalization(tf, { groups: 2, name: 'stem_gn' }), ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'stem', ...init() }), input)));
  const dw = ap(spatialDropout2d(tf, { rate: 0.1, name: 'drop' }), ap(tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', name: 'dw', depthwiseInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }), stem));
  const head = ap(tf.layers.conv2d({ filters: 16, kernelSize: 1, activation: 'hard_silu' as never, name: 'head', ...init() }), dw);
  // A cosine classifier (NormFace): the pooled features at unit length, times a temperature.
  const embedded = ap(tf.layers.rescaling({ scale: 16, name: 'temperature' }), ap(unitNormalization(tf, { name: 'unit' }), ap(tf.layers.globalAveragePooling2d({ name: 'pool' }), head)));
  const lm = tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 10, activation: 'softmax', name: 'logits', ...init() }), embedded), name: 'mobilenet_v3_mnist' });
  return trainedOnMnist(lm, dir, { digits: 2000, epochs: 3, learningRate: 0.01, batchSize: 32 });
}

describe('a Keras model using layers tfjs lacks (hard_swish, GroupNormalization, SpatialDropout2D, UnitNormalization)', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    // The spatial dropout draws its masks from tfjs's unseeded generators: seeded, the briefly trained
    // model and its retraining are the same in every run (they varied enough to move the file's
    // error on 1,000 digits by several points).
    seedMathRandom(7);
    dir = mkdtempSync(join(tmpdir(), 'dc-keras-layers-'));
    modelJson = await savedModel(join(dir, 'model'));
  }, 120_000);
  afterAll(() => vi.restoreAllMocks());

  it('compresses with retraining; the written file runs at about the baseline error, and dc export names the registrations', async () => {
    const out = join(dir, 'mnv3.dcm');
    await compressedBriefly(modelJson, out, 0.4, 5);
    const inspected = (await dcJson('inspect', out)).result as { nodes: { name: string; kind: string }[] };
    expect(inspected.nodes.filter((n) => ['stem_gn', 'stem_hard_swish', 'drop', 'unit'].includes(n.name)).map((n) => [n.name, n.kind])).toEqual([
      ['stem_gn', 'groupNorm'],
      ['stem_hard_swish', 'activation'],
      ['drop', 'dropout'],
      ['unit', 'unitNorm'],
    ]);
    const exported = (await dcJson('export', out, '-o', join(dir, 'exported'))).result;
    expect(exported.register).toEqual(['registerHardSiluActivation', 'registerUnitNormalization', 'registerGroupNormalization']);
  }, 180_000);
});
