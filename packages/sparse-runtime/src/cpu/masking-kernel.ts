/** The `masking` step: tfjs's `Masking` layer at inference. */
import type { MaskingConfig } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import type { CpuKernel } from './graph-executor.js';

/**
 * A `masking` node, in place when the schedule allows: each step (a row of the last axis) whose
 * values all equal `maskValue` (compared in float32, as tfjs's `notEqual`) is multiplied by 0,
 * every other row by 1.
 */
export function maskingKernel(step: PlanStep): CpuKernel {
  const value = Math.fround((step.config as MaskingConfig).maskValue);
  const features = step.outputShape[step.outputShape.length - 1];
  return ([x], batch, target) => {
    const out = target ?? new Float32Array(x.length);
    for (let i = 0; i < batch * step.outputSize; i += features) {
      let masked = true;
      for (let f = 0; f < features && masked; f++) masked = x[i + f] === value;
      // Times 0 or 1, as tfjs: a masked step of −1s becomes −0s.
      const keep = masked ? 0 : 1;
      for (let f = 0; f < features; f++) out[i + f] = x[i + f] * keep;
    }
    return out;
  };
}
