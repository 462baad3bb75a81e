/**
 * The model's compiled loss measured on the written file's outputs (run by the sparse runtime),
 * with the trainer's own per-example loss (`lossPerExample` of `@dc/core/tfjs`): how `dc compress`
 * reports the test loss of a loss the run's float64 figures (squared, absolute error, binary
 * cross-entropy) do not include, `huber` or `poisson` say.
 */
import type { Model } from '@dc/core';
import { lossPerExample, resolveObjective, type CompileConfig } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';
import type { LossMeter } from '../commands/target-metrics.js';

/** A {@link LossMeter} of `compile`'s loss for `model`'s outputs. */
export function compiledLossMeter(tfjs: typeof tf, model: Model, compile: CompileConfig): LossMeter {
  const objective = resolveObjective(model, { loss: compile.loss, huberDelta: compile.huberDelta, fromLogits: compile.fromLogits });
  const size = objective.outputShape.reduce((a, b) => a * b, 1);
  let [sum, count] = [0, 0];
  return {
    add(out, targets, from) {
      const samples = out.length / size;
      const shape = [samples, ...objective.outputShape];
      sum += tfjs.tidy(() => tfjs.sum(lossPerExample(tfjs, objective, tfjs.tensor(out, shape), tfjs.tensor(targets.subarray(from, from + out.length), shape))).dataSync()[0]);
      count += samples;
    },
    value: () => sum / count,
  };
}
