import { describe, expect, it } from 'vitest';
import { paramKey } from '../ir/params.js';
import { loadMnist } from '../mnist/load.js';
import { selectTrainingBackend } from './backend.js';
import { fromLayersModel } from './convert-from.js';
import { createTfjsTrainer } from './trainer.js';

describe('training service on real MNIST (wasm backend)', () => {
  it('trains LeNet-300-100 to ≥ 97% test accuracy in 2 epochs, keeping masked weights at exactly 0', async () => {
    const { tf, backend } = await selectTrainingBackend({ prefer: ['wasm'], replaceSlowWasmKernels: true });
    expect(backend).toBe('wasm');
    const mnist = await loadMnist();
    const lm = tf.sequential({
      name: 'lenet-300-100',
      layers: [
        tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu', name: 'ip1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 100, activation: 'relu', name: 'ip2', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        tf.layers.dense({ units: 10, activation: 'softmax', name: 'ip3', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    const model = fromLayersModel(lm);
    lm.dispose();
    const trainer = createTfjsTrainer({ tf, train: mnist.train, evaluation: mnist.test, batchSize: 128, seed: 1 });
    // Mask every 4th weight of ip1: the gradient hook zeroes their gradients, the constraint re-zeroes them.
    const key = paramKey('ip1', 'kernel');
    const mask = tf.keep(tf.tensor(new Float32Array(784 * 300).map((_, i) => (i % 4 === 0 ? 0 : 1)), [784, 300]));
    const { model: trained, epochs } = await trainer.fineTune(model, {
      epochs: 2,
      learningRate: 2e-3,
      transformGradients: (g, t) => ({ ...g, [key]: t.mul(g[key], mask) }),
      constrainWeights: (v, t) => v[key].assign(t.mul(v[key], mask)),
    });
    mask.dispose();
    const { accuracy } = await trainer.evaluate(trained);
    console.log(`LeNet-300-100, 2 epochs on ${backend}: test accuracy ${(accuracy * 100).toFixed(2)}%, epoch seconds ${epochs.map((e) => e.seconds.toFixed(1)).join(', ')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    const kernel = trained.layers[0].params.kernel!.values;
    // Multiplying a negative weight by a 0 mask gives -0: exactly zero all the same.
    for (let i = 0; i < kernel.length; i += 4) expect(Math.abs(kernel[i])).toBe(0);
  });
});
