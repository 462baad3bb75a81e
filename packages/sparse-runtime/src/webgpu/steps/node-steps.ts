/**
 * The WebGPU backend's explicit map from every op kind of core's table to its GPU steps. A node
 * arrives as the plan resolves it (configuration, shapes, window, activation with defaults,
 * parameters: kernels still compressed, vectors as float32), with the input the schedule lets it
 * write over, if any.
 */
import { densify, sampleAxis, type CompressedTensor, type LayerConfig, type LayerKind, type Shape } from '@dc/core';
import type { GpuNode, GpuStep } from './gpu-step.js';
import type { Hwc, PlanStep } from '../../model/plan.js';
import { convSteps, denseSteps } from './kernel-steps.js';
import { dotStep } from './dot-step.js';
import { activationStep, batchNormStep, concatSteps, convTransposeStep, embeddingStep, recurrentSteps, globalPoolStep, layerNormStep, unitNormStep, groupNormStep, maskingStep, mergeSteps, permuteStep, poolStep, preluStep, rescaleStep, resampleStep, shift2dStep } from './op-steps.js';
import { resampleOf } from '../../model/resample-tables.js';
import { preluSlopes } from '../../model/prelu-slopes.js';

/** What the GPU reads of one plan step. */
export type GpuNodeSource = Pick<PlanStep, 'name' | 'config' | 'inputShapes' | 'outputShape' | 'params' | 'activation' | 'window'>;

const hwc = (s: Shape): Hwc => [s[0], s[1], s[2]];
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

function kernel(n: GpuNodeSource): CompressedTensor {
  if (!n.params.kernel) throw new Error(`unreachable: "${n.name}" has no kernel (the plan checks parameters)`);
  return n.params.kernel;
}

/** Builds a node's steps; `readsOutput[k]`: input `k` lives in the buffer the node writes (in place). Views return 'view'. */
type Build = (n: GpuNodeSource, readsOutput: readonly boolean[]) => GpuStep[] | 'view';
/** The configuration of kind `K` (also for kinds that share a config type, such as the pools). */
type Of<K extends LayerKind> = LayerConfig & { readonly kind: K };

/** A merge's passes, then its fused activation (if any) in place on the result. */
const merge: Build = (n, readsOutput) => [
  ...mergeSteps(n.name, n.config.kind as Of<'add'>['kind'], n.inputShapes.length, size(n.outputShape), readsOutput),
  ...(n.activation && n.activation.activation !== 'linear' ? [activationStep(n.name, n.activation, n.outputShape, true)] : []),
];

/** upSampling2d and resizing: one program, their own tables. */
const resample: Build = (n) => [resampleStep(n.name, n.inputShapes[0], resampleOf(n.config as Of<'upSampling2d' | 'resizing'>, n.inputShapes[0]))];

/** Every op kind → how its node becomes GPU steps (a test checks this covers core's op table). */
export const GPU_OPS: Readonly<Record<LayerKind, Build>> = {
  dense: (n) => denseSteps(n.name, kernel(n), n.params.bias ?? null, n.activation!),
  conv2d: (n) => convSteps(n.name, n.window!, kernel(n), n.params.bias ?? null, n.activation!),
  depthwiseConv2d: (n) => convSteps(n.name, n.window!, kernel(n), n.params.bias ?? null, n.activation!, (n.config as Of<'depthwiseConv2d'>).depthMultiplier),
  batchNorm: (n, readsOutput) => {
    const p = n.params;
    if (!p.movingMean || !p.movingVariance) throw new Error(`unreachable: "${n.name}" has no moving statistics (the plan checks parameters)`);
    return [batchNormStep(n.name, size(n.outputShape), { ...p, movingMean: p.movingMean, movingVariance: p.movingVariance }, (n.config as Of<'batchNorm'>).epsilon, readsOutput[0] === true)];
  },
  layerNorm: (n) => [layerNormStep(n.name, n.outputShape, n.params, n.config as Of<'layerNorm'>)],
  unitNorm: (n) => [unitNormStep(n.name, n.outputShape, n.config as Of<'unitNorm'>)],
  groupNorm: (n) => [groupNormStep(n.name, n.outputShape, n.params, n.config as Of<'groupNorm'>)],
  prelu: (n, readsOutput) => [preluStep(n.name, preluSlopes(n.params.alpha!, n.outputShape, n.config as Of<'prelu'>), readsOutput[0] === true)],
  conv2dTranspose: (n) => [
    convTransposeStep(n.name, hwc(n.inputShapes[0]), hwc(n.outputShape), n.config as Of<'conv2dTranspose'>, densify(kernel(n)), n.params.bias),
    ...(n.activation && n.activation.activation !== 'linear' ? [activationStep(n.name, n.activation, n.outputShape, true)] : []),
  ],
  recurrent: (n) => recurrentSteps(n.name, n.config as Of<'recurrent'>, n.inputShapes[0], densify(kernel(n)), densify(n.params.recurrentKernel!), n.params.bias, n.inputShapes[1]),
  embedding: (n) => [embeddingStep(n.name, n.outputShape, densify(kernel(n)), (n.config as Of<'embedding'>).inputDim)],
  maxPool2d: (n) => [poolStep(n.name, 'max', n.window!)],
  avgPool2d: (n) => [poolStep(n.name, 'avg', n.window!)],
  globalAvgPool2d: (n) => [globalPoolStep(n.name, 'avg', hwc(n.inputShapes[0]))],
  globalMaxPool2d: (n) => [globalPoolStep(n.name, 'max', hwc(n.inputShapes[0]))],
  zeroPadding2d: (n) => {
    const [[top], [left]] = (n.config as Of<'zeroPadding2d'>).amounts;
    return [shift2dStep(n.name, hwc(n.inputShapes[0]), hwc(n.outputShape), top, left, 1)];
  },
  cropping2d: (n) => {
    const [[top], [left]] = (n.config as Of<'cropping2d'>).amounts;
    return [shift2dStep(n.name, hwc(n.inputShapes[0]), hwc(n.outputShape), top, left, -1)];
  },
  upSampling2d: resample,
  resizing: resample,
  flatten: () => 'view',
  reshape: () => 'view',
  dropout: () => 'view',
  masking: (n, readsOutput) => [maskingStep(n.name, n.outputShape, (n.config as Of<'masking'>).maskValue, readsOutput[0] === true)],
  permute: (n) => [permuteStep(n.name, n.inputShapes[0], (n.config as Of<'permute'>).dims)],
  activation: (n, readsOutput) => [activationStep(n.name, n.activation!, n.outputShape, readsOutput[0] === true)],
  rescale: (n, readsOutput) => {
    const { scale, offset } = n.config as Of<'rescale'>;
    return [rescaleStep(n.name, size(n.outputShape), scale, offset, readsOutput[0] === true)];
  },
  add: merge,
  subtract: merge,
  multiply: merge,
  average: merge,
  maximum: merge,
  minimum: merge,
  concatenate: (n) => {
    const axis = sampleAxis((n.config as Of<'concatenate'>).axis, n.outputShape.length, { where: `layer "${n.name}"`, code: 'INVALID_MODEL' });
    return concatSteps(n.name, n.inputShapes, axis);
  },
  dot: (n) => [dotStep(n.name, n.config as Of<'dot'>, n.inputShapes)],
};

/** Kinds whose programs can run in place (the plan's in-place kinds). */
export const GPU_IN_PLACE: ReadonlySet<LayerKind> = new Set(['activation', 'rescale', 'masking', 'batchNorm', 'prelu', 'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum']);

/**
 * The GPU work of node `n`. `readsOutput[k]` says that input `k` lives in the buffer the node
 * writes (the plan runs it in place), so its program reads that input through the output binding.
 */
export function gpuNodeOf(n: GpuNodeSource, readsOutput: readonly boolean[] = []): GpuNode {
  if (readsOutput.some(Boolean) && !GPU_IN_PLACE.has(n.config.kind)) throw new Error(`unreachable: "${n.name}" (${n.config.kind}) cannot run in place`);
  const built = GPU_OPS[n.config.kind](n, readsOutput);
  return { name: n.name, steps: built === 'view' ? [] : built };
}
