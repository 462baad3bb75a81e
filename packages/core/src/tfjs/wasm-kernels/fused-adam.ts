/**
 * Adam as one fused kernel per variable ({@link adamStep}) where the active backend has it (wasm
 * after `registerWasmTrainingKernels`), else tfjs's own `tf.train.adam`. Same arithmetic, same
 * defaults (β₁ 0.9, β₂ 0.999, ε the backend's epsilon); one pass over memory per variable instead
 * of ~14: for LeNet-300-100 on wasm the optimizer step took ~8 ms of a ~25 ms training step.
 */
import type * as tf from '@tensorflow/tfjs';
import { ADAM_STEP } from './adam-step.js';

/** `tf.train.adam(learningRate)`, or the fused equivalent where the active backend has its kernel. */
export function createAdamOptimizer(tfjs: typeof tf, learningRate: number, beta1 = 0.9, beta2 = 0.999): tf.Optimizer {
  if (tfjs.getKernel(ADAM_STEP, tfjs.getBackend()) === undefined) return tfjs.train.adam(learningRate, beta1, beta2);
  const epsilon = tfjs.backend().epsilon();
  const engine = tfjs.engine();
  class FusedAdam extends tfjs.Optimizer {
    static get className(): string {
      return 'DcFusedAdam';
    }
    private step = 0;
    private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

    applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
      const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
      this.step++;
      const correction1 = 1 - beta1 ** this.step;
      const correction2 = 1 - beta2 ** this.step;
      tfjs.tidy(() => {
        for (const { name, tensor: gradient } of list) {
          if (gradient == null) continue;
          const value = engine.registeredVariables[name];
          let state = this.moments.get(name);
          if (!state) {
            state = { m: tfjs.variable(tfjs.zerosLike(value), false), v: tfjs.variable(tfjs.zerosLike(value), false) };
            this.moments.set(name, state);
          }
          const [w, m, v] = engine.runKernel(ADAM_STEP, { value, m: state.m, v: state.v, gradient }, { learningRate, beta1, beta2, epsilon, correction1, correction2 }) as tf.Tensor[];
          value.assign(w);
          state.m.assign(m);
          state.v.assign(v);
        }
      });
      this.incrementIterations();
    }

    override dispose(): void {
      for (const { m, v } of this.moments.values()) tfjs.dispose([m, v]);
      this.moments.clear();
    }

    getConfig(): tf.serialization.ConfigDict {
      return { learningRate, beta1, beta2, epsilon };
    }
  }
  return new FusedAdam();
}
