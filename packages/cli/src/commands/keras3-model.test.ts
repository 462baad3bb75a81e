import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@dc/core';
import { fileHandler } from '@dc/core/tfjs';
import { dcmLayersModelHandler } from '@dc/graph-model';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { mostValuesInAChannel } from './channel-values.test-support.js';

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const initializer = (name: string) => ({ module: 'keras.initializers', class_name: name, config: name === 'Zeros' ? {} : { seed: null }, registered_name: null });
const dense = (name: string, units: number, activation: string, inputs: number) => ({
  module: 'keras.layers',
  class_name: 'Dense',
  config: { name, trainable: true, dtype: POLICY, units, activation, use_bias: true, kernel_initializer: initializer('GlorotUniform'), bias_initializer: initializer('Zeros'), kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null, quantization_config: null },
  registered_name: null,
  build_config: { input_shape: [null, inputs] },
});

/**
 * A tabular classifier as tensorflowjs_converter 4.22 writes a Keras 3.10 Sequential (TensorFlow
 * 2.16 on): 6 features → Dense(32, relu) → Dense(3, softmax), seeded weights.
 */
function writeKeras3Classifier(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const random = createRandom(11);
  const shapes = [[6, 32], [32], [32, 3], [3]];
  const values = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => random.next() - 0.5));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(values.map((v) => Buffer.from(v.buffer))));
  const names = ['sequential/dense/kernel', 'sequential/dense/bias', 'sequential/dense_1/kernel', 'sequential/dense_1/bias'];
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'keras v3.10.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '3.10.0',
      backend: 'tensorflow',
      model_config: {
        module: 'keras',
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          trainable: true,
          dtype: POLICY,
          layers: [{ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 6], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' }, registered_name: null }, dense('dense', 32, 'relu', 6), dense('dense_1', 3, 'softmax', 32)],
          build_input_shape: [null, 6],
        },
        registered_name: null,
      },
      training_config: { loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { name: 'adam', learning_rate: 0.001 } } },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: names.map((name, i) => ({ name, shape: shapes[i], dtype: 'float32' })) }],
  };
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify(modelJson));
  return path;
}

describe('a Keras 3 model (tensorflowjs_converter on TensorFlow ≥ 2.16), which tfjs 4 cannot load', () => {
  it('is compressed by dc compress and comes back from dc export as a model.json tfjs loads, predicting as the file runs', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'dc-keras3-'));
    const modelJson = writeKeras3Classifier(join(dir, 'keras3'));
    await expect(tf.loadLayersModel(fileHandler(modelJson))).rejects.toThrow(/An InputLayer should be passed either a `batchInputShape` or an `inputShape`/);

    const file = join(dir, 'classifier.dcm');
    const c = await dc('compress', modelJson, '--no-retrain', '--sparsity', '0.5', '--bits', '5', '-o', file, '--json');
    expect(c.code, c.stderr).toBe(0);
    const ir = (await loadCompressedModel(new Uint8Array(readFileSync(file)))).compressed;
    expect(ir.layers.map((l) => l.name)).toEqual(['dense', 'dense_1']);
    // Half of each kernel pruned to exact zeros (6 × 32 and 32 × 3 weights), the biases kept.
    const inspect = (await dcJson('inspect', file)).result;
    expect(inspect.nodes.map((n: { name: string; kept: number }) => [n.name, n.kept])).toEqual([['dense', 96 + 32], ['dense_1', 48 + 3]]);

    const e = await dc('export', file, '-o', join(dir, 'exported'));
    expect(e.code, e.stderr).toBe(0);
    const exported = await tf.loadLayersModel(fileHandler(join(dir, 'exported', 'model.json')));
    const x = Float32Array.from({ length: 8 * 6 }, (_, i) => Math.sin(i));
    const session = await createSession(await loadCompressedModel(new Uint8Array(readFileSync(file))), { backend: createCpuBackend() });
    try {
      const want = await session.predict(x, 8);
      const got = (exported.predict(tf.tensor2d(x, [8, 6])) as tf.Tensor).dataSync();
      expect(Array.from(got)).toEqual(Array.from(want).map((v) => expect.closeTo(v, 6)));
    } finally {
      session.dispose();
      exported.dispose();
    }
  }, 120_000);

  it('--keep-topology keeps it in the Keras 2 dialect tfjs reads: the file loads in plain tfjs with the same layers, predicting as the compressed weights say', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'dc-keras3-kept-'));
    const modelJson = writeKeras3Classifier(join(dir, 'keras3'));
    const file = join(dir, 'kept.dcm');
    // Kernels this small (under 256 weights) are compressed when named.
    const each = (v: number) => `dense/kernel=${v},dense_1/kernel=${v}`;
    const c = await dc('compress', modelJson, '--no-retrain', '--keep-topology', '--sparsity', each(0.5), '--bits', each(5), '-o', file, '--json');
    expect(c.code, c.stderr).toBe(0);
    const result = JSON.parse(c.stdout);
    expect(result.format).toBe('layers-model-as-given');
    expect(result.tensors.map((t: { name: string; kept: number }) => [t.name, t.kept])).toEqual([['dense/kernel', 96], ['dense/bias', 32], ['dense_1/kernel', 48], ['dense_1/bias', 3]]);
    const model = await tf.loadLayersModel(dcmLayersModelHandler(new Uint8Array(readFileSync(file))));
    try {
      expect(model.layers.map((l) => l.name)).toEqual(['input_layer', 'dense', 'dense_1']);
      const [dense] = model.getLayer('dense').getWeights();
      const kernel = dense.dataSync();
      expect(kernel.filter((v) => v === 0).length).toBe(96);
      expect(mostValuesInAChannel(kernel, dense.shape.at(-1)!)).toBeLessThanOrEqual(32);
      const y = (model.predict(tf.tensor2d(Float32Array.from({ length: 4 * 6 }, (_, i) => Math.cos(i)), [4, 6])) as tf.Tensor).dataSync();
      // Softmax rows.
      for (let r = 0; r < 4; r++) expect(y[3 * r] + y[3 * r + 1] + y[3 * r + 2]).toBeCloseTo(1, 5);
    } finally {
      model.dispose();
    }
  }, 60_000);
});
