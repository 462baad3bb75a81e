/** Per-element steps that may run in place: standalone activations, rescales and batch norms not folded away. */
import type { BatchNormConfig, RescaleConfig } from '@dc/core';
import { batchNormScale } from '../model/fold-batch-norm.js';
import type { PlanStep } from '../model/plan.js';
import { applyActivation } from './activation.js';
import type { CpuKernel } from './graph-executor.js';

/** An `activation` node, in place when the schedule allows. */
export function activationKernel(step: PlanStep): CpuKernel {
  return ([x], _batch, target) => {
    const out = target ?? new Float32Array(x);
    applyActivation(out, step.activation, step.outputShape);
    return out;
  };
}

/**
 * A `batchNorm` node: `beta + (x − movingMean) · gamma / sqrt(movingVariance + epsilon)` per
 * channel (the last axis), as tfjs's cpu kernel computes it, with the scale in float64.
 */
export function batchNormKernel(step: PlanStep): CpuKernel {
  const { gamma, beta, movingMean, movingVariance } = step.params;
  const scale = batchNormScale(gamma!, movingVariance!, (step.config as BatchNormConfig).epsilon);
  const C = scale.length;
  return ([x], batch, target) => {
    const out = target ?? new Float32Array(x.length);
    for (let i = 0; i < batch * step.outputSize; i += C) {
      for (let c = 0; c < C; c++) out[i + c] = beta![c] + (x[i + c] - movingMean![c]) * scale[c];
    }
    return out;
  };
}

/** A `rescale` node: `x · scale + offset` in float32, the product rounded before the sum, as tfjs's `Rescaling` computes it. */
export function rescaleKernel(step: PlanStep): CpuKernel {
  const { scale, offset } = step.config as RescaleConfig;
  const [s, o] = [Math.fround(scale), Math.fround(offset)];
  return ([x], batch, target) => {
    const out = target ?? new Float32Array(x.length);
    for (let i = 0; i < batch * step.outputSize; i++) out[i] = Math.fround(x[i] * s) + o;
    return out;
  };
}
