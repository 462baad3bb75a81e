import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../mnist/load.js';
import { selectTrainingBackend } from '../backend.js';
import { fromLayersModel } from '../convert-from.js';
import { createTfjsTrainer } from '../trainer.js';
import { registerWasmTrainingKernels } from './register.js';

describe('LeNet-5 on real MNIST, wasm backend with our training kernels', () => {
  it('reaches ≥ 98.8% test accuracy after 2 epochs', async () => {
    const { tf, backend } = await selectTrainingBackend({ prefer: ['wasm'] });
    expect(backend).toBe('wasm');
    const kernels = registerWasmTrainingKernels(tf, { replaceSlowKernels: true });
    try {
      const mnist = await loadMnist();
      const init = (seed: number) => tf.initializers.glorotUniform({ seed });
      const lm = tf.sequential({
        name: 'lenet5',
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, name: 'conv1', kernelInitializer: init(1) }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }),
          tf.layers.conv2d({ filters: 50, kernelSize: 5, name: 'conv2', kernelInitializer: init(2) }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' }),
          tf.layers.flatten({ name: 'flatten' }),
          tf.layers.dense({ units: 500, activation: 'relu', name: 'ip1', kernelInitializer: init(3) }),
          tf.layers.dense({ units: 10, activation: 'softmax', name: 'ip2', kernelInitializer: init(4) }),
        ],
      });
      const model = fromLayersModel(lm);
      lm.dispose();
      const trainer = createTfjsTrainer({ tf, train: mnist.train, evaluation: mnist.test, batchSize: 128, seed: 1, optimizer: 'adam' });
      // Two epochs in batches of 64: the second at a third of the first's learning rate (a step schedule).
      const first = await trainer.fineTune(model, { epochs: 1, learningRate: 1e-3, batchSize: 64 });
      const second = await trainer.fineTune(first.model, { epochs: 1, learningRate: 3e-4, batchSize: 64 });
      const { accuracy } = await trainer.evaluate(second.model);
      const seconds = [...first.epochs, ...second.epochs].map((e) => e.seconds.toFixed(1));
      console.log(`LeNet-5, 2 epochs on wasm (+ training kernels): test accuracy ${(accuracy * 100).toFixed(2)}%, epoch seconds ${seconds.join(', ')}`);
      expect(accuracy).toBeGreaterThanOrEqual(0.988);
    } finally {
      kernels.unregister();
    }
  });
});
