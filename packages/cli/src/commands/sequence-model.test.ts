import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@dc/core';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { onWasm, savedModel } from './conv-fixture.test-support.js';

const [STEPS, FEATURES, CLASSES] = [32, 4, 4];

/** `n` seeded sequences [STEPS, FEATURES]: class k is a bump moving through feature k, in noise. */
function sequences(n: number, seed: number): { xs: Float32Array; ys: Int32Array } {
  const random = createRandom(seed);
  const rand = () => random.next();
  const xs = new Float32Array(n * STEPS * FEATURES);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % CLASSES;
    const at = Math.floor(rand() * (STEPS - 8));
    ys[i] = k;
    for (let t = 0; t < STEPS; t++) {
      for (let f = 0; f < FEATURES; f++) xs[(i * STEPS + t) * FEATURES + f] = 0.3 * (rand() - 0.5) + (f === k && t >= at && t < at + 8 ? 1 : 0);
    }
  }
  return { xs, ys };
}

/** A user's 1-D convnet over sequences, trained with tfjs (on wasm): Conv1D → MaxPooling1D → Conv1D → GlobalAveragePooling1D → Dense. */
const savedSequenceNet = (dir: string, train: { xs: Float32Array; ys: Int32Array }): Promise<string> => onWasm(() => sequenceNet(dir, train));

/** {@link savedSequenceNet} on the active backend. */
async function sequenceNet(dir: string, train: { xs: Float32Array; ys: Int32Array }): Promise<string> {
  const lm = tf.sequential({ name: 'sequence-net' });
  lm.add(tf.layers.conv1d({ inputShape: [STEPS, FEATURES], filters: 16, kernelSize: 5, padding: 'same', activation: 'relu', name: 'conv1', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }));
  lm.add(tf.layers.maxPooling1d({ poolSize: 2, name: 'pool' }));
  lm.add(tf.layers.conv1d({ filters: 32, kernelSize: 3, activation: 'relu', name: 'conv2', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
  lm.add(tf.layers.globalAveragePooling1d({ name: 'gap' }));
  lm.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
  lm.compile({ optimizer: tf.train.adam(1e-2), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const n = train.ys.length;
  const [xs, ys] = [tf.tensor3d(train.xs, [n, STEPS, FEATURES]), tf.tensor1d(train.ys, 'float32')];
  await lm.fit(xs, ys, { epochs: 15, batchSize: 16, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  return savedModel(lm, dir);
}

describe('a 1-D convnet over sequences (Conv1D, MaxPooling1D, GlobalAveragePooling1D) from .npy data', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-sequences-'));
    const [train, test] = [sequences(160, 1), sequences(40, 2)];
    for (const [name, d] of [['train', train], ['test', test]] as const) {
      writeFileSync(join(dir, `${name}-x.npy`), Buffer.from(dump(d.xs, [d.ys.length, STEPS, FEATURES])));
      writeFileSync(join(dir, `${name}-y.npy`), Buffer.from(dump(d.ys, [d.ys.length])));
    }
    modelJson = await savedSequenceNet(join(dir, 'model'), train);
  }, 120_000);

  it('prunes, retrains, clusters and writes it; the file runs the 40 test sequences as well as the original', async () => {
    const out = join(dir, 'sequences.dcm');
    const data = ['--data', join(dir, 'train-x.npy'), '--labels', join(dir, 'train-y.npy'), '--test-data', join(dir, 'test-x.npy'), '--test-labels', join(dir, 'test-y.npy')];
    const { result } = await dcJson('compress', modelJson, ...data, '-o', out, '--sparsity', '0.5', '--bits', '5', '--prune-epochs', '2', '--cluster-epochs', '1');
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.baselineTestError).toBe(0);
    expect(result.testError).toBe(0);
    const inspect = await dc('inspect', out);
    expect(inspect.stdout).toMatch(/conv1\s+conv2d/);
    const run = (await dcJson('run', out, '--data', join(dir, 'test-x.npy'), '--labels', join(dir, 'test-y.npy'))).result;
    expect([run.samples, run.testError]).toEqual([40, 0]);
  }, 180_000);
});
