import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateTfBackend } from '@dc/core/tfjs';
import { layersModelSource } from '@dc/graph-model';
import { kerasBiasCorrection } from './keras-bias-correction.js';

/** A model of every linked layer class (linear, so a layer's output is its pre-activation), and one Dense layer called twice. */
function model(): tf.LayersModel {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 100 }) });
  const input = tf.input({ shape: [6, 6, 2] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', name: 'conv', ...init(1) }).apply(input) as tf.SymbolicTensor;
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, name: 'dw', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.randomNormal({ seed: 102 }) }).apply(conv) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(dw) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 5, name: 'dense', ...init(3) }).apply(flat) as tf.SymbolicTensor;
  const shared = tf.layers.dense({ units: 5, name: 'shared', ...init(4) });
  const twice = shared.apply(shared.apply(dense) as tf.SymbolicTensor) as tf.SymbolicTensor;
  // A convolution without a bias, a batch norm after it (a ResNet's).
  const plain = tf.layers.conv2d({ filters: 3, kernelSize: 1, useBias: false, name: 'plain', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(conv) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn', movingMeanInitializer: tf.initializers.randomNormal({ seed: 6 }) }).apply(plain) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [dense, twice, dw, conv, bn] });
}

const batches = () => [tf.randomUniform([5, 6, 6, 2], 0, 1, 'float32', 1), tf.randomUniform([3, 6, 6, 2], 0, 1, 'float32', 2)];

/** Each output's mean over the samples of `xs`, per last-axis channel. */
function means(lm: tf.LayersModel, xs: readonly tf.Tensor[]): number[][] {
  return tf.tidy(() => {
    const outs = xs.map((x) => lm.predict(x) as tf.Tensor[]);
    return outs[0].map((_, i) => {
      const all = tf.concat(outs.map((o) => o[i]));
      return Array.from(all.reshape([-1, all.shape.at(-1)!]).mean(0).dataSync());
    });
  });
}

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
});

describe('kerasBiasCorrection', () => {
  it("restores the mean output of each corrected Dense, Conv2D and DepthwiseConv2D layer on the calibration inputs (a batch norm's, through its moving mean, after a layer without a bias); a layer called twice is left out", async () => {
    const lm = model();
    let saved: tf.io.ModelArtifacts | undefined;
    await lm.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const source = await layersModelSource(saved!, 'model');
    const kernels = new Set(['conv/kernel', 'dw/depthwise_kernel', 'dense/kernel', 'shared/kernel', 'plain/kernel']);
    const xs = batches();
    const correction = await kerasBiasCorrection(tf, lm, source, kernels, xs.map((x) => [x]));
    expect(correction.links.map((l) => [l.weight, l.bias, l.op, l.subtracted ?? false])).toEqual([
      ['conv/kernel', 'conv/bias', 'conv2d', false],
      ['dw/depthwise_kernel', 'dw/bias', 'depthwise', false],
      ['dense/kernel', 'dense/bias', 'matmul', false],
      ['plain/kernel', 'bn/moving_mean', 'conv2d', true],
    ]);
    const before = means(lm, xs);
    const original = new Map(lm.weights.map((w) => [w.originalName, w.read().clone()]));
    /** The means with `kernel` changed by a deterministic perturbation, its bias corrected; then the originals back. */
    const perturbed = (kernel: string): number[][] => {
      const t = source.tensors.find((s) => s.name === kernel)!;
      const corrected = correction.apply(new Map([[kernel, Float32Array.from(t.values as Float32Array, (v, i) => v + 0.05 * Math.sin(i + 1))]]));
      for (const w of lm.weights) if (corrected.has(w.originalName)) w.write(tf.tensor(corrected.get(w.originalName)!, w.shape as number[]));
      const out = means(lm, xs);
      for (const w of lm.weights) w.write(original.get(w.originalName)!);
      return out;
    };
    // Outputs: dense, shared twice, dw, conv, bn. One layer changed at a time: its mean output is back (later layers see a changed input).
    for (const [kernel, output] of [['conv/kernel', 3], ['dw/depthwise_kernel', 2], ['dense/kernel', 0], ['plain/kernel', 4]] as const) {
      perturbed(kernel)[output].forEach((m, c) => expect(m, kernel).toBeCloseTo(before[output][c], 4));
    }
    const shared = perturbed('shared/kernel')[1];
    expect(Math.max(...shared.map((m, c) => Math.abs(m - before[1][c])))).toBeGreaterThan(1e-3);
    tf.dispose(xs);
    lm.dispose();
  });
});
