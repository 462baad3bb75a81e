/** The GPU step of a `dot` node: one dispatch of the dot program, both inputs bound. */
import { dotGeometry, type DotConfig, type Shape } from '@dc/core';
import { dotShader, DOT_PARAMS } from '../shaders/dot.js';
import { simpleStep, type GpuStep } from './gpu-step.js';

/** A `dot` node on inputs of shapes `inputs` (without the batch axis): a thread per output element and vec4 of samples. */
export function dotStep(layer: string, config: DotConfig, inputs: readonly Shape[]): GpuStep {
  const g = dotGeometry(config, inputs, { where: `layer "${layer}"`, code: 'INVALID_MODEL' });
  const fixed = { cols: g.second.free, depth: g.depth, firstFree: g.first.freeStride, firstSum: g.first.sumStride, secondFree: g.second.freeStride, secondSum: g.second.sumStride };
  return simpleStep(layer, dotShader(config.normalize), DOT_PARAMS, fixed, g.first.free * g.second.free, [0, 1]);
}
