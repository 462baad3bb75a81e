/**
 * A TrainingService for tests: "trains" with random gradients through a real tfjs optimizer and
 * applies the hooks exactly as a trainer must, so tests can check that masks survive retraining.
 * Accuracy is a deterministic function of the weights (share of non-zero kernel weights).
 */
import * as tf from '@tensorflow/tfjs';
import { listParams, mapParams } from '@dc/core';
import type { EpochResult, FineTuneOptions, Model, TrainingService } from '@dc/core';

export interface FakeTrainer extends TrainingService {
  readonly calls: FineTuneOptions[];
  /** Steps per epoch. */
  readonly steps: number;
}

export function createFakeTrainer({ steps = 5, useHooks = true } = {}): FakeTrainer {
  const calls: FineTuneOptions[] = [];
  return {
    backend: 'fake',
    calls,
    steps,
    async fineTune(model: Model, options: FineTuneOptions) {
      calls.push(options);
      await tf.setBackend('cpu');
      const vars: Record<string, tf.Variable> = {};
      for (const ref of listParams(model)) vars[ref.key] = tf.variable(tf.tensor(ref.tensor.values, [...ref.tensor.shape]), true, ref.key);
      const optimizer = tf.train.momentum(options.learningRate, 0.9);
      const epochs: EpochResult[] = [];
      let seed = 1;
      for (let e = 0; e < options.epochs; e++) {
        for (let s = 0; s < steps; s++) {
          const grads = tf.tidy(() => {
            const g: Record<string, tf.Tensor> = {};
            for (const [key, v] of Object.entries(vars)) g[key] = tf.randomNormal(v.shape, 0, 1, 'float32', seed++);
            return g;
          });
          const used = useHooks && options.transformGradients ? options.transformGradients(grads, tf) : grads;
          optimizer.applyGradients(Object.entries(used).map(([name, tensor]) => ({ name, tensor })));
          if (useHooks) options.constrainWeights?.(vars, tf);
          tf.dispose([...Object.values(grads), ...Object.values(used)]);
        }
        options.onEpochEnd?.({ epoch: e + 1, loss: 0, seconds: 0 });
      }
      const out = mapParams(model, (ref) => ({ shape: [...ref.tensor.shape], values: new Float32Array(vars[ref.key].dataSync()) }));
      Object.values(vars).forEach((v) => v.dispose());
      optimizer.dispose();
      return { model: out, epochs };
    },
    async evaluate(model: Model) {
      const kernels = listParams(model).filter((r) => r.param === 'kernel');
      const n = kernels.reduce((a, r) => a + r.tensor.values.length, 0);
      const nz = kernels.reduce((a, r) => a + r.tensor.values.filter((v) => v !== 0).length, 0);
      return { accuracy: nz / n, loss: 1 - nz / n, examples: n };
    },
  };
}
