/**
 * skipInputGradients: a first layer with a linear activation (a conv stem before batch norm, a
 * linear projection) computes the same outputs and weight gradients, without the input gradient
 * that tfjs's fused ops computed and threw away.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { skipInputGradients } from './input-gradient.js';

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

function convStem(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  // Weightless layers before the stem keep it "fed by constants".
  const cropped = tf.layers.zeroPadding2d({ padding: 1 }).apply(input) as tf.SymbolicTensor;
  const stem = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(1), biasInitializer: tf.initializers.randomNormal({ seed: 9 }), name: 'stem' }).apply(cropped);
  const bn = tf.layers.batchNormalization().apply(stem);
  const act = tf.layers.reLU().apply(bn);
  const conv2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, kernelInitializer: init(2), name: 'conv2' }).apply(act);
  const flat = tf.layers.flatten().apply(conv2);
  const out = tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(3) }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function linearMlp(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [20], units: 16, kernelInitializer: init(4), biasInitializer: tf.initializers.randomNormal({ seed: 9 }), name: 'proj' }),
      tf.layers.dense({ units: 16, kernelInitializer: init(5), name: 'hidden' }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(6) }),
    ],
  });
}

/** The loss, every trainable weight's gradient and the kernels run, for one batch. */
async function step(lm: tf.LayersModel, x: tf.Tensor) {
  const vars = lm.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  let result: { loss: number; grads: Float32Array[] } | undefined;
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(lm.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    result = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
    tf.dispose([value, ...Object.values(grads)]);
  });
  return { ...result!, kernels: profile.kernels.map((k) => k.name) };
}

describe('skipInputGradients', () => {
  const cases = [
    { name: 'conv stem after a weightless layer', build: convStem, x: () => tf.randomNormal([6, 12, 12, 3], 0, 1, 'float32', 7), products: ['Conv2DBackpropInput'], kept: 1 },
    { name: 'linear first dense layer', build: linearMlp, x: () => tf.randomNormal([6, 20], 0, 1, 'float32', 8), products: ['BatchMatMul', '_FusedMatMul'], kept: 8 },
  ];
  for (const c of cases) {
    it(`${c.name}: same loss and weight gradients, the first layer's input gradient not computed`, async () => {
      const x = c.x();
      const fused = c.build();
      const before = await step(fused, x);
      const unfused = c.build();
      skipInputGradients(tf, unfused);
      const after = await step(unfused, x);

      expect(after.loss).toBeCloseTo(before.loss, 4);
      expect(after.grads).toHaveLength(before.grads.length);
      for (const [v, g] of before.grads.entries()) {
        const h = after.grads[v];
        const scale = Math.max(...g.map(Math.abs));
        for (let i = 0; i < g.length; i++) expect(Math.abs(h[i] - g[i])).toBeLessThanOrEqual(1e-5 * scale);
      }
      // conv stem: conv2 still needs its input gradient. MLP: 3 forward products, 3 weight
      // gradients and 2 input gradients remain (a fused forward product becomes a plain one).
      const count = (kernels: string[]) => kernels.filter((k) => c.products.includes(k)).length;
      expect(count(before.kernels) - count(after.kernels)).toBe(1);
      expect(count(after.kernels)).toBe(c.kept);
      tf.dispose([x]);
      fused.dispose();
      unfused.dispose();
    });
  }
});
