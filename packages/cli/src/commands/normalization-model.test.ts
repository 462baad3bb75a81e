import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, densify } from '@dc/core';
import { fileHandler } from '@dc/core/tfjs';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';

// Features as a car table has them (Keras' fuel-efficiency tutorial): cylinders, displacement, horsepower, weight, model year.
const MEAN = [5.5, 195, 104, 2978, 2005];
const STD = [1.7, 104, 38, 849, 3.7];
const WEIGHTS = [-0.6, -0.9, -1.4, -3.1, 2.2];
const F = MEAN.length;

/** `n` cars and their fuel efficiency: a linear function of the standardised features, plus a little noise. */
function cars(n: number, seed: number): { xs: Float32Array; ys: Float32Array } {
  const random = createRandom(seed);
  const xs = new Float32Array(n * F);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let y = 23.5 + 0.05 * (random.next() - 0.5);
    for (let f = 0; f < F; f++) {
      const z = 2 * (random.next() + random.next() - 1);
      xs[i * F + f] = MEAN[f] + STD[f] * z;
      y += WEIGHTS[f] * z;
    }
    ys[i] = y;
  }
  return { xs, ys };
}

/**
 * A trained regressor as tensorflowjs_converter writes it (Keras 2 dialect): Normalization adapted
 * to the features → Dense(2F, relu) → Dense(1). Its hidden units carry each standardised feature
 * as relu(z) and relu(−z), so the head computes the targets' linear function exactly.
 */
function writeRegressor(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const hidden = new Float32Array(F * 2 * F);
  for (let f = 0; f < F; f++) [hidden[f * 2 * F + f], hidden[f * 2 * F + F + f]] = [1, -1];
  const head = Float32Array.from({ length: 2 * F }, (_, j) => (j < F ? WEIGHTS[j] : -WEIGHTS[j - F]));
  const parts = [new Float32Array(MEAN), Float32Array.from(STD, (s) => s * s), new Int32Array([314]), hidden, new Float32Array(2 * F), head, new Float32Array([23.5])];
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(parts.map((p) => Buffer.from(p.buffer))));
  const dense = (name: string, units: number, activation: string) => ({ class_name: 'Dense', config: { name, trainable: true, dtype: 'float32', units, activation, use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} } } });
  const spec = (name: string, shape: number[], dtype = 'float32') => ({ name, shape, dtype });
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'mpg',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, F], dtype: 'float32', sparse: false, ragged: false, name: 'features' } },
            { class_name: 'Normalization', config: { name: 'normalization', trainable: true, dtype: 'float32', axis: [-1], mean: null, variance: null, invert: false } },
            dense('hidden', 2 * F, 'relu'),
            dense('mpg', 1, 'linear'),
          ],
        },
      },
      training_config: { loss: 'mean_absolute_error', metrics: [], optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.1 } } },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [spec('normalization/mean', [F]), spec('normalization/variance', [F]), spec('normalization/count', [], 'int32'), spec('hidden/kernel', [F, 2 * F]), spec('hidden/bias', [2 * F]), spec('mpg/kernel', [2 * F, 1]), spec('mpg/bias', [1])] }],
  };
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify(modelJson));
  return path;
}

describe('a tabular regressor that starts with Keras\' Normalization layer (tfjs cannot load it)', () => {
  it('retrains, and its file keeps the adapted statistics exactly (float32 in a float16 file): the test loss stays, and dc export gives tfjs a model it loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-normalization-'));
    const modelJson = writeRegressor(join(dir, 'keras'));
    for (const [name, n, seed] of [['train', 600, 1], ['test', 200, 2]] as const) {
      const { xs, ys } = cars(n, seed);
      writeFileSync(join(dir, `${name}-x.npy`), Buffer.from(dump(xs, [n, F])));
      writeFileSync(join(dir, `${name}-y.npy`), Buffer.from(dump(ys, [n, 1])));
    }
    const out = join(dir, 'mpg.dcm');
    const settings = ['--sparsity', 'hidden=0.5,mpg=0', '--bits', '5', '--prune-epochs', '2', '--prune-lr', '0.001', '--cluster-epochs', '1', '--cluster-lr', '0.0005'];
    const { result } = await dcJson('compress', modelJson, '--data', join(dir, 'train-x.npy'), '--targets', join(dir, 'train-y.npy'), '--test-data', join(dir, 'test-x.npy'), '--test-targets', join(dir, 'test-y.npy'), '-o', out, ...settings);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.loss).toBe('meanAbsoluteError');
    // The model fits to within the targets' noise (±0.025); compressed, it stays within a tenth of a mile per gallon.
    expect(result.baselineTestLoss).toBeLessThan(0.03);
    expect(result.testLoss).toBeLessThan(0.1);

    const file = await loadCompressedModel(new Uint8Array(readFileSync(out)));
    const norm = file.compressed.layers[0];
    expect(norm.config).toEqual({ kind: 'batchNorm', epsilon: 0, center: false, scale: false, fixed: true });
    expect(Array.from(densify(file.compressed.tensors.get('normalization/movingMean')!))).toEqual(MEAN.map(Math.fround));
    expect(Array.from(densify(file.compressed.tensors.get('normalization/movingVariance')!))).toEqual(STD.map((s) => Math.fround(s * s)));

    const e = await dc('export', out, '-o', join(dir, 'exported'));
    expect(e.code, e.stderr).toBe(0);
    await tf.setBackend('cpu');
    const exported = await tf.loadLayersModel(fileHandler(join(dir, 'exported', 'model.json')));
    const x = cars(8, 3).xs;
    const session = await createSession(file, { backend: createCpuBackend() });
    try {
      const want = await session.predict(x, 8);
      const got = (exported.predict(tf.tensor2d(x, [8, F])) as tf.Tensor).dataSync();
      expect(Array.from(got)).toEqual(Array.from(want).map((v) => expect.closeTo(v, 4)));
    } finally {
      session.dispose();
      exported.dispose();
    }
  }, 300_000);
});
