/**
 * Keras' `Normalization` layer, as tensorflowjs_converter writes a model that starts with one
 * (Keras' regression tutorial: Normalization adapted to the features → Dense → Dense → Dense(1)):
 * tfjs cannot load it; `loadModel` reads it as a `batchNorm` node of fixed statistics that computes
 * what Keras computes, and retraining leaves those statistics as they were.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requiredOpset } from '../ops/opset.js';
import { uncompressedModel } from '../testing/uncompressed.js';
import { toLayersModel } from './convert-to.js';
import { dcmHandler } from './dcm-handler.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';
import { createTfjsTrainer } from './trainer.js';

const FEATURES = 5;
const MEAN = [3, -120, 0.5, 1000, 7];
// The last feature is constant in the training data: variance 0 divides by Keras' epsilon.
const VARIANCE = [4, 900, 0.01, 250000, 0];

/** The model.json (Keras 2 dialect, as the converter writes it) and weights of Normalization → Dense(8, relu) → Dense(1); `given`: mean and variance in the config (Normalization(mean=..., variance=...)) instead of adapted weights. */
function regressor(o: { given?: boolean; axis?: unknown; invert?: boolean } = {}): tf.io.ModelArtifacts {
  const norm = { class_name: 'Normalization', config: { name: 'normalization', trainable: true, dtype: 'float32', batch_input_shape: [null, FEATURES], axis: o.axis ?? [-1], mean: o.given ? MEAN : null, variance: o.given ? VARIANCE : null, invert: o.invert ?? false } };
  const dense = (name: string, units: number, activation: string) => ({ class_name: 'Dense', config: { name, trainable: true, dtype: 'float32', units, activation, use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} } } });
  const kernel1 = Float32Array.from({ length: FEATURES * 8 }, (_, i) => Math.sin(i + 1) * 0.5);
  const kernel2 = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i) * 0.7);
  const stats = o.given ? [] : [new Float32Array(MEAN), new Float32Array(VARIANCE)];
  const count = o.given ? [] : [new Int32Array([392])];
  const floats = [...stats, kernel1, new Float32Array(8).fill(0.1), kernel2, new Float32Array([0.3])];
  const weightData = new Uint8Array([...floats.slice(0, stats.length), ...count, ...floats.slice(stats.length)].flatMap((a) => [...new Uint8Array(a.buffer)])).buffer;
  const spec = (name: string, shape: number[], dtype: 'float32' | 'int32' = 'float32') => ({ name, shape, dtype });
  return {
    modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'regressor', layers: [norm, dense('hidden', 8, 'relu'), dense('mpg', 1, 'linear')] } } },
    weightSpecs: [
      ...(o.given ? [] : [spec('normalization/mean', [FEATURES]), spec('normalization/variance', [FEATURES]), spec('normalization/count', [], 'int32')]),
      spec('hidden/kernel', [FEATURES, 8]), spec('hidden/bias', [8]), spec('mpg/kernel', [8, 1]), spec('mpg/bias', [1]),
    ],
    weightData,
  };
}

/** Rows of features around the adapted mean, at each feature's scale (the constant one constant). */
function rows(n: number): tf.Tensor2D {
  return tf.tensor2d(Array.from({ length: n * FEATURES }, (_, i) => {
    const f = i % FEATURES;
    return MEAN[f] + Math.sqrt(VARIANCE[f]) * Math.sin(i * 1.7);
  }), [n, FEATURES]);
}

/** What Keras computes for the first rows: (x − mean) / max(sqrt(variance), 1e-7), then the two Dense layers. */
function kerasReference(x: tf.Tensor2D, artifacts: tf.io.ModelArtifacts): number[] {
  const data = new Float32Array(artifacts.weightData as ArrayBuffer);
  const offset = (artifacts.weightSpecs!.length === 7 ? 2 * FEATURES + 1 : 0);
  const k1 = data.subarray(offset, offset + FEATURES * 8);
  const b1 = data.subarray(offset + FEATURES * 8, offset + FEATURES * 8 + 8);
  const k2 = data.subarray(offset + FEATURES * 8 + 8, offset + FEATURES * 8 + 16);
  const b2 = data[offset + FEATURES * 8 + 16];
  const xs = x.arraySync();
  return xs.map((row) => {
    const z = row.map((v, f) => (v - MEAN[f]) / Math.max(Math.sqrt(VARIANCE[f]), 1e-7));
    const h = Array.from({ length: 8 }, (_, j) => Math.max(0, z.reduce((s, zf, f) => s + zf * k1[f * 8 + j], b1[j])));
    return h.reduce((s, hj, j) => s + hj * k2[j], b2);
  });
}

describe('Keras\' Normalization layer (tabular models adapt it to their features)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const given of [false, true]) {
    it(`${given ? 'given mean and variance (in the config)' : 'adapted (mean, variance, count weights)'}: a batchNorm node of fixed statistics, predicting what Keras computes, a constant feature included`, async () => {
      const artifacts = regressor({ given });
      const { model } = await loadModel({ load: async () => artifacts }, { tf });
      const [norm] = model.layers;
      expect(norm.config).toEqual({ kind: 'batchNorm', epsilon: 0, center: false, scale: false, fixed: true });
      // A field of op set 3 on a kind of op set 2: a file holding it declares op set 3.
      expect(requiredOpset(model)).toBe(3);
      expect(Array.from(norm.params.movingMean!.values)).toEqual(MEAN.map(Math.fround));
      expect(Array.from(norm.params.movingVariance!.values)).toEqual([...VARIANCE.slice(0, 4), 1e-14].map(Math.fround));
      const x = rows(6);
      const back = toLayersModel(model, tf);
      const want = kerasReference(x, artifacts);
      const got = Array.from(predictions(back, x));
      // Relative to each output: the constant feature's deviation from its mean is 0 here, as in training.
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]))));
      x.dispose();
      back.dispose();
    });
  }

  it('retraining (batch norm in Keras\' training mode) moves the Dense layers and leaves the statistics exactly as adapted', async () => {
    const { model } = await loadModel({ load: async () => regressor() }, { tf });
    const xs = rows(64);
    const ys = tf.tensor2d(Array.from({ length: 64 }, (_, i) => 20 + 5 * Math.sin(i)), [64, 1]);
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validationSplit: 0.25, compile: { loss: 'meanSquaredError', metrics: [] } });
    const before = model.layers.map((l) => Object.fromEntries(Object.entries(l.params).map(([k, t]) => [k, Array.from(t!.values)])));
    const { model: tuned } = await trainer.fineTune(model, { epochs: 2, learningRate: 0.01 });
    const after = tuned.layers.map((l) => Object.fromEntries(Object.entries(l.params).map(([k, t]) => [k, Array.from(t!.values)])));
    expect(after[0]).toEqual(before[0]);
    expect(after[1].kernel).not.toEqual(before[1].kernel);
    tf.dispose([xs, ys]);
  });

  it('survives dc export (dcmHandler: a BatchNormalization tfjs loads) and reads back as fixed; a forged record naming another layer is refused', async () => {
    const { model } = await loadModel({ load: async () => regressor() }, { tf });
    const exported = await dcmHandler(uncompressedModel(model), { tf }).load!();
    expect(exported.userDefinedMetadata).toEqual({ dcm: { fixedStatistics: ['normalization'] } });
    const again = await loadModel({ load: async () => exported }, { tf });
    expect(again.model.layers[0].config).toEqual(model.layers[0].config);
    const forged = { ...exported, userDefinedMetadata: { dcm: { fixedStatistics: ['hidden'] } } };
    await expect(loadModel({ load: async () => forged }, { tf })).rejects.toMatchObject({ code: 'BAD_MODEL_JSON', message: expect.stringMatching(/userDefinedMetadata\.dcm\.fixedStatistics must list batch-norm layers of the model, got \["hidden"\]$/) });
  });

  it('refuses invert (de-normalisation) and axes other than the last by name', async () => {
    await expect(loadModel({ load: async () => regressor({ invert: true }) }, { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "normalization" \(Normalization\): invert \(de-normalisation\) is not supported$/) });
    await expect(loadModel({ load: async () => regressor({ axis: [0] }) }, { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/axis \[0\]: only the last axis, or none, is supported$/) });
  });
});
