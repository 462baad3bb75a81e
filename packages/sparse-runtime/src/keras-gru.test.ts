/**
 * Keras' GRU (reset_after=True, its default since TensorFlow 2: what every Keras GRU model holds),
 * which tfjs refuses to load: a model.json as tensorflowjs_converter writes it loads through
 * `loadModel`, and the cpu runtime, the model rebuilt in tfjs (what retraining runs) and dc's
 * export loaded by tfjs all predict what Keras computes, written out below from the weights.
 */
import { uncompressedModel } from '@dc/core/testing';
import { createTfjsTrainer, dcmHandler, loadModel, RESET_AFTER_GRU_CLASS, toLayersModel } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';
import { maxRelativeError } from './testing/reference.js';

const [STEPS, FEATURES, UNITS, OUT] = [6, 3, 4, 2];
type Json = Record<string, unknown>;

/** Deterministic values in about [-0.8, 0.8]. */
const wave = (n: number, phase: number) => Float32Array.from({ length: n }, (_, i) => 0.8 * Math.sin(1.7 * i + phase));

const gruConfig = (name: string, returnSequences: boolean, batchInputShape?: number[]): Json => ({
  name, trainable: true, dtype: 'float32', ...(batchInputShape ? { batch_input_shape: batchInputShape } : {}), return_sequences: returnSequences, return_state: false, go_backwards: false,
  stateful: false, unroll: false, time_major: false, units: UNITS, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
  kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
  bias_initializer: { class_name: 'Zeros', config: {} }, dropout: 0.0, recurrent_dropout: 0.0, implementation: 2, reset_after: true,
});
const denseLayer = { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: OUT, activation: 'linear', use_bias: true } };

/** A GRU's three weights as Keras names them (under its cell), with their values. */
function gruWeights(prefix: string, phase: number): { name: string; shape: number[]; values: Float32Array }[] {
  return [
    { name: `${prefix}/gru_cell/kernel`, shape: [FEATURES, 3 * UNITS], values: wave(FEATURES * 3 * UNITS, phase) },
    { name: `${prefix}/gru_cell/recurrent_kernel`, shape: [UNITS, 3 * UNITS], values: wave(UNITS * 3 * UNITS, phase + 1) },
    { name: `${prefix}/gru_cell/bias`, shape: [2, 3 * UNITS], values: wave(2 * 3 * UNITS, phase + 2) },
  ];
}

/** The model.json (Keras 2 dialect) and weights of `layers` with `weights`. */
function artifacts(layers: Json[], weights: { name: string; shape: number[]; values: Float32Array }[]): tf.io.ModelArtifacts {
  return {
    modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers } } },
    weightSpecs: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' as const })),
    weightData: new Uint8Array(weights.flatMap((w) => [...new Uint8Array(w.values.buffer)])).buffer,
  };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Keras' reset-after GRU over one sample's steps (in the order given): the last state. */
function kerasGru(steps: number[][], [kernel, recurrent, bias]: Float32Array[]): number[] {
  const G = 3 * UNITS;
  let h = new Array<number>(UNITS).fill(0);
  for (const x of steps) {
    const xk = Array.from({ length: G }, (_, j) => bias[j] + x.reduce((s, v, f) => s + v * kernel[f * G + j], 0));
    const hr = Array.from({ length: G }, (_, j) => bias[G + j] + h.reduce((s, v, m) => s + v * recurrent[m * G + j], 0));
    h = h.map((prev, j) => {
      const z = sigmoid(xk[j] + hr[j]);
      const r = sigmoid(xk[UNITS + j] + hr[UNITS + j]);
      return z * prev + (1 - z) * Math.tanh(xk[2 * UNITS + j] + r * hr[2 * UNITS + j]);
    });
  }
  return h;
}

const dense = (h: number[], kernel: Float32Array, bias: Float32Array) => Array.from({ length: OUT }, (_, o) => bias[o] + h.reduce((s, v, j) => s + v * kernel[j * OUT + o], 0));

const handler = (a: tf.io.ModelArtifacts): tf.io.IOHandler => ({ load: async () => a });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe("Keras' GRU (reset_after=True), which tfjs cannot load", () => {
  const x = tf.randomNormal([5, STEPS, FEATURES], 0, 1, 'float32', 3);
  const samples = () => (x.arraySync() as number[][][]);

  async function runtimePredictions(model: Parameters<typeof uncompressedModel>[0]): Promise<Float32Array> {
    const session = await createSession(await loadCompressedModel(uncompressedModel(model)), { backend: createCpuBackend() });
    try {
      return await session.predict((await x.data()) as Float32Array, 5);
    } finally {
      session.dispose();
    }
  }

  it('a GRU → Dense model: the IR node has both biases ([2, 3·units]); cpu runtime, tfjs rebuild and dc export all predict what Keras computes', async () => {
    const gru = gruWeights('gru', 0);
    const head = [{ name: 'dense/kernel', shape: [UNITS, OUT], values: wave(UNITS * OUT, 5) }, { name: 'dense/bias', shape: [OUT], values: wave(OUT, 6) }];
    const file = artifacts([{ class_name: 'GRU', config: gruConfig('gru', false, [null as unknown as number, STEPS, FEATURES]) }, denseLayer], [...gru, ...head]);
    await expect(tf.loadLayersModel(handler(file))).rejects.toThrow(/GRUCell does not support reset_after parameter set to true/);

    const { model } = await loadModel(handler(file), { tf });
    expect(model.layers[0].config).toEqual({ kind: 'recurrent', cell: 'gru', units: UNITS, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false, resetAfter: true });
    expect(model.layers[0].params.bias!.shape).toEqual([2, 3 * UNITS]);
    const want = Float32Array.from(samples().flatMap((s) => dense(kerasGru(s, gru.map((w) => w.values)), head[0].values, head[1].values)));
    const rebuilt = toLayersModel(model, tf);
    const exported = await dcmHandler(uncompressedModel(model), { tf }).load!();
    expect(JSON.stringify(exported.modelTopology)).toContain(`"class_name":"${RESET_AFTER_GRU_CLASS}"`);
    const saved = await tf.loadLayersModel(handler(exported));
    try {
      expect(maxRelativeError(await runtimePredictions(model), want, 5)).toBeLessThanOrEqual(1e-5);
      expect(maxRelativeError((rebuilt.predict(x) as tf.Tensor).dataSync() as Float32Array, want, 5)).toBeLessThanOrEqual(1e-5);
      expect(maxRelativeError((saved.predict(x) as tf.Tensor).dataSync() as Float32Array, want, 5), 'dc export loaded by tfjs').toBeLessThanOrEqual(1e-5);
      // dc export reads back as the same model.
      const again = await loadModel(handler(exported), { tf });
      expect(again.model.layers.map((l) => l.config)).toEqual(model.layers.map((l) => l.config));
    } finally {
      rebuilt.dispose();
      saved.dispose();
    }
  });

  it('the same model as Keras 3 writes it (TensorFlow ≥ 2.16: InputLayer batch_shape, dtype policies, weights under the model\'s name) predicts what Keras computes', async () => {
    const gru = gruWeights('sequential/gru', 0.5);
    const head = [{ name: 'sequential/dense/kernel', shape: [UNITS, OUT], values: wave(UNITS * OUT, 4) }, { name: 'sequential/dense/bias', shape: [OUT], values: wave(OUT, 5) }];
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const input = { class_name: 'InputLayer', config: { batch_shape: [null, STEPS, FEATURES], dtype: 'float32', sparse: false, name: 'input_layer' } };
    const layers = [input, { class_name: 'GRU', config: { ...gruConfig('gru', false), dtype: policy, seed: null, use_cudnn: 'auto' } }, { ...denseLayer, config: { ...denseLayer.config, dtype: policy } }];
    const file = artifacts(layers, [...gru, ...head]);
    const { model } = await loadModel(handler({ ...file, modelTopology: { ...(file.modelTopology as Json), keras_version: '3.10.0' } }), { tf });
    const want = Float32Array.from(samples().flatMap((s) => dense(kerasGru(s, gru.map((w) => w.values)), head[0].values, head[1].values)));
    expect(maxRelativeError(await runtimePredictions(model), want, 5)).toBeLessThanOrEqual(1e-5);
  });

  it('Bidirectional(GRU) concatenating both last states: each pass its own weights, read its own way', async () => {
    const forward = gruWeights('bidirectional/forward_gru', 0.3);
    const backward = gruWeights('bidirectional/backward_gru', 0.7);
    const layer = { class_name: 'Bidirectional', config: { name: 'bidirectional', trainable: true, dtype: 'float32', batch_input_shape: [null, STEPS, FEATURES], merge_mode: 'concat', layer: { class_name: 'GRU', config: gruConfig('gru', false) } } };
    const { model } = await loadModel(handler(artifacts([layer], [...forward, ...backward])), { tf });
    expect(model.layers[0].config).toMatchObject({ cell: 'gru', merge: 'concat', resetAfter: true });
    expect(model.layers[0].params.bias!.shape).toEqual([2, 2 * 3 * UNITS]);
    const want = Float32Array.from(samples().flatMap((s) => [...kerasGru(s, forward.map((w) => w.values)), ...kerasGru([...s].reverse(), backward.map((w) => w.values))]));
    const rebuilt = toLayersModel(model, tf);
    try {
      expect(maxRelativeError(await runtimePredictions(model), want, 5)).toBeLessThanOrEqual(1e-5);
      expect(maxRelativeError((rebuilt.predict(x) as tf.Tensor).dataSync() as Float32Array, want, 5)).toBeLessThanOrEqual(1e-5);
    } finally {
      rebuilt.dispose();
    }
  });

  it('retrains: every weight moves, both bias rows included, and the runtime predicts as the retrained tfjs model', async () => {
    const gru = gruWeights('gru', 1.1);
    const head = [{ name: 'dense/kernel', shape: [UNITS, OUT], values: wave(UNITS * OUT, 2) }, { name: 'dense/bias', shape: [OUT], values: wave(OUT, 3) }];
    const { model } = await loadModel(handler(artifacts([{ class_name: 'GRU', config: gruConfig('gru', false, [null as unknown as number, STEPS, FEATURES]) }, denseLayer], [...gru, ...head])), { tf });
    const ys = tf.randomNormal([5, OUT], 0, 1, 'float32', 4);
    const trainer = createTfjsTrainer({ tf, train: { xs: x, ys }, validation: { xs: x, ys }, loss: 'meanSquaredError', batchSize: 5 });
    const { model: tuned } = await trainer.fineTune(model, { epochs: 3, learningRate: 0.05 });
    const [before, after] = [model, tuned].map((m) => m.layers[0].params);
    for (const key of ['kernel', 'recurrentKernel'] as const) expect(after[key]!.values).not.toEqual(before[key]!.values);
    const G = 3 * UNITS;
    expect(after.bias!.values.subarray(0, G)).not.toEqual(before.bias!.values.subarray(0, G));
    expect(after.bias!.values.subarray(G)).not.toEqual(before.bias!.values.subarray(G));
    const rebuilt = toLayersModel(tuned, tf);
    try {
      expect(maxRelativeError(await runtimePredictions(tuned), (rebuilt.predict(x) as tf.Tensor).dataSync() as Float32Array, 5)).toBeLessThanOrEqual(1e-5);
    } finally {
      rebuilt.dispose();
      ys.dispose();
    }
  });
});
