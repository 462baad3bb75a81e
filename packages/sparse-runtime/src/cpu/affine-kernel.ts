/** Per-element steps: standalone activations, rescales, batch norms not folded away and PReLUs (in place where the schedule allows), layer norms. */
import { layerNormRowSize, UNIT_NORM_EPSILON, type BatchNormConfig, type GroupNormConfig, type LayerNormConfig, type PreluConfig, type RescaleConfig, type UnitNormConfig } from '@dc/core';
import { batchNormScale } from '../model/fold-batch-norm.js';
import { preluSlopes } from '../model/prelu-slopes.js';
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

/**
 * A `layerNorm` node: per row of its normalised (trailing) axes, `(x − mean) / sqrt(variance + epsilon) · gamma + beta`
 * with the mean and the biased variance of the row, in float64.
 */
export function layerNormKernel(step: PlanStep): CpuKernel {
  const { gamma, beta } = step.params;
  const { epsilon } = step.config as LayerNormConfig;
  const C = layerNormRowSize(step.outputShape, step.config as LayerNormConfig);
  return ([x], batch, target) => {
    const out = target ?? new Float32Array(x.length);
    for (let i = 0; i < batch * step.outputSize; i += C) {
      let mean = 0;
      for (let c = 0; c < C; c++) mean += x[i + c];
      mean /= C;
      let variance = 0;
      for (let c = 0; c < C; c++) variance += (x[i + c] - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / C + epsilon);
      for (let c = 0; c < C; c++) out[i + c] = (x[i + c] - mean) * inv * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
    }
    return out;
  };
}

/**
 * A `groupNorm` node: per sample and group of `C / groups` channels, over every position,
 * `(x − mean) / sqrt(variance + epsilon) · gamma + beta` with the group's mean and biased variance, in float64.
 */
export function groupNormKernel(step: PlanStep): CpuKernel {
  const { gamma, beta } = step.params;
  const { groups, epsilon } = step.config as GroupNormConfig;
  const C = step.outputShape[step.outputShape.length - 1];
  const [width, positions] = [C / groups, step.outputSize / C];
  return ([x], batch, target) => {
    const out = target ?? new Float32Array(x.length);
    for (let s = 0; s < batch; s++) {
      const base = s * step.outputSize;
      for (let g = 0; g < groups; g++) {
        const first = base + g * width;
        let mean = 0;
        for (let p = 0; p < positions; p++) for (let j = 0; j < width; j++) mean += x[first + p * C + j];
        mean /= positions * width;
        let variance = 0;
        for (let p = 0; p < positions; p++) for (let j = 0; j < width; j++) variance += (x[first + p * C + j] - mean) ** 2;
        const inv = 1 / Math.sqrt(variance / (positions * width) + epsilon);
        for (let p = 0; p < positions; p++) {
          for (let j = 0; j < width; j++) {
            const c = g * width + j;
            out[first + p * C + j] = (x[first + p * C + j] - mean) * inv * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
          }
        }
      }
    }
    return out;
  };
}

/** A `unitNorm` node: per row of its normalised (trailing) axes, `x / sqrt(max(Σ x², 1e-12))`, the sum in float64. */
export function unitNormKernel(step: PlanStep): CpuKernel {
  const C = layerNormRowSize(step.outputShape, step.config as UnitNormConfig);
  return ([x], batch, target) => {
    const out = target ?? new Float32Array(x.length);
    for (let i = 0; i < batch * step.outputSize; i += C) {
      let squares = 0;
      for (let c = 0; c < C; c++) squares += x[i + c] * x[i + c];
      const inv = 1 / Math.sqrt(Math.max(squares, UNIT_NORM_EPSILON));
      for (let c = 0; c < C; c++) out[i + c] = x[i + c] * inv;
    }
    return out;
  };
}

/**
 * A `prelu` node, in place when the schedule allows: `x < 0 ? alpha · x : x` as tfjs's cpu kernel
 * computes it (the product rounded to float32), `alpha` broadcast to one slope per element once.
 */
export function preluKernel(step: PlanStep): CpuKernel {
  const slopes = preluSlopes(step.params.alpha!, step.outputShape, step.config as PreluConfig);
  const n = step.outputSize;
  return ([x], batch, target) => {
    const out = target ?? new Float32Array(x.length);
    for (let s = 0; s < batch; s++) {
      for (let j = 0, i = s * n; j < n; j++, i++) {
        const v = x[i];
        out[i] = v < 0 ? slopes[j] * v : v;
      }
    }
    return out;
  };
}
