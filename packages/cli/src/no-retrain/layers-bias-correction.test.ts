import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, listParams, mapParams, type Model } from '@dc/core';
import { fromLayersModel, toLayersModel } from '@dc/core/tfjs';
import { correctBiasesStage, layerBiasLinks, layersBiasCorrection } from './layers-bias-correction.js';

/** A residual block on 6×6×4 inputs: two convolutions read the same tensor (the second a strided 1×1 shortcut), added, then a dense head. */
function residualModel(): Model {
  const x = tf.input({ shape: [6, 6, 4], name: 'image' });
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  const bias = tf.initializers.randomNormal({ seed: 9, stddev: 0.1 });
  const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv', kernelInitializer: init(1), biasInitializer: bias }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 8, kernelSize: 1, strides: 2, padding: 'valid', name: 'shortcut', kernelInitializer: init(2), biasInitializer: bias }).apply(x) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(sum) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 5, name: 'head', kernelInitializer: init(3), biasInitializer: bias }).apply(flat) as tf.SymbolicTensor;
  const lm = tf.model({ inputs: x, outputs: y, name: 'residual' });
  const model = fromLayersModel(lm);
  lm.dispose();
  return model;
}

let model: Model;
let batches: tf.Tensor[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = residualModel();
  let s = 5;
  batches = [0, 1].map(() => tf.tensor4d(Float32Array.from({ length: 3 * 6 * 6 * 4 }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31), [3, 6, 6, 4]));
});

afterAll(() => tf.dispose(batches));

/** Values rounded to a grid of 0.25: a stand-in for clustering that moves every weight. */
const coarse = (values: Float32Array) => values.map((v) => Math.round(v * 4) / 4);

/** The mean of each channel of layer `name`'s output, over every sample and position of `batches`. */
function outputMeans(m: Model, name: string): Float64Array {
  const lm = toLayersModel(m, tf);
  const tap = tf.model({ inputs: lm.inputs, outputs: lm.getLayer(name).output as tf.SymbolicTensor });
  let sums: Float64Array | undefined;
  let count = 0;
  for (const x of batches) {
    const y = tap.predict(x) as tf.Tensor;
    const v = y.dataSync();
    const c = y.shape.at(-1)!;
    sums ??= new Float64Array(c);
    for (let i = 0; i < v.length; i++) sums[i % c] += v[i];
    count += v.length / c;
    y.dispose();
  }
  lm.dispose();
  return sums!.map((s) => s / count);
}

describe('LayersModel bias correction', () => {
  it('links dense and conv2d kernels to their biases, with each convolution’s geometry', () => {
    expect(layerBiasLinks(model, new Set(['conv/kernel', 'shortcut/kernel', 'head/kernel']))).toEqual([
      { weight: 'conv/kernel', bias: 'conv/bias', input: 'conv', op: 'conv2d', geometry: { kernel: [3, 3], strides: [2, 2], dilations: [1, 1], padding: 'SAME' } },
      { weight: 'shortcut/kernel', bias: 'shortcut/bias', input: 'shortcut', op: 'conv2d', geometry: { kernel: [1, 1], strides: [2, 2], dilations: [1, 1], padding: 'VALID' } },
      { weight: 'head/kernel', bias: 'head/bias', input: 'head', op: 'matmul' },
    ]);
  });

  it("measures two layers reading one tensor, and the stage keeps each corrected layer's mean output per channel (the shortcut's, before the add)", async () => {
    const kernels = new Set(['conv/kernel', 'shortcut/kernel', 'head/kernel']);
    const correction = await layersBiasCorrection(tf, model, kernels, batches);
    expect(correction.links.map((l) => l.weight)).toEqual(['conv/kernel', 'shortcut/kernel', 'head/kernel']);
    // Only the shortcut changes: the head's input moves with it, so its own correction is not what is checked here.
    const changed = mapParams(model, (ref) => (ref.key === 'shortcut/kernel' ? { shape: ref.tensor.shape, values: coarse(ref.tensor.values) } : undefined));
    const { model: corrected, report } = await createPipeline().use(correctBiasesStage(correction)).run(changed);
    expect(report.stages[0].metrics).toEqual({ corrected: 1 });
    const before = outputMeans(model, 'shortcut');
    const moved = outputMeans(changed, 'shortcut');
    const kept = outputMeans(corrected, 'shortcut');
    const largest = (p: Float64Array, q: Float64Array) => Math.max(...p.map((v, i) => Math.abs(v - q[i])));
    expect(largest(moved, before)).toBeGreaterThan(0.01);
    expect(largest(kept, before)).toBeLessThan(1e-5);
    // The other biases are untouched.
    const bias = (m: Model, key: string) => listParams(m).find((r) => r.key === key)!.tensor.values;
    expect(bias(corrected, 'conv/bias')).toEqual(bias(model, 'conv/bias'));
    expect(bias(corrected, 'head/bias')).toEqual(bias(model, 'head/bias'));
  });
});
