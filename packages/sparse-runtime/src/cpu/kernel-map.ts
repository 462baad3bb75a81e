/**
 * The cpu backend's explicit map op kind → kernel factory: every kind of core's op table (the
 * `Record` type makes a missing kind a compile error; a test checks it against `OPS` at run time).
 */
import type { LayerKind } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import { activationKernel, batchNormKernel, groupNormKernel, layerNormKernel, preluKernel, rescaleKernel, unitNormKernel } from './affine-kernel.js';
import { convKernel } from './conv-step.js';
import { convTransposeKernel } from './conv-transpose-kernel.js';
import { dotKernel } from './dot-kernel.js';
import { embeddingKernel } from './embedding-kernel.js';
import { recurrentKernel } from './recurrent-kernel.js';
import type { CpuKernel } from './graph-executor.js';
import { padCropKernel, permuteKernel, resampleKernel, viewKernel } from './layout-kernel.js';
import { maskingKernel } from './masking-kernel.js';
import { concatenateKernel, mergeKernel } from './merge-kernel.js';
import { globalPoolKernel, poolKernel } from './pool-kernel.js';
import type { CpuPrepareContext } from './prepare-context.js';
import { denseKernel } from './product-kernel.js';

/** Makes the kernel of one step at prepare time. */
export type CpuKernelFactory = (step: PlanStep, ctx: CpuPrepareContext) => CpuKernel;

/** Every op kind → its cpu kernel. */
export const CPU_KERNELS: Readonly<Record<LayerKind, CpuKernelFactory>> = {
  dense: denseKernel,
  conv2d: convKernel,
  conv2dTranspose: convTransposeKernel,
  depthwiseConv2d: convKernel,
  batchNorm: batchNormKernel,
  layerNorm: layerNormKernel,
  unitNorm: unitNormKernel,
  groupNorm: groupNormKernel,
  prelu: preluKernel,
  embedding: embeddingKernel,
  recurrent: recurrentKernel,
  maxPool2d: poolKernel,
  avgPool2d: poolKernel,
  globalAvgPool2d: globalPoolKernel,
  globalMaxPool2d: globalPoolKernel,
  zeroPadding2d: padCropKernel,
  cropping2d: padCropKernel,
  upSampling2d: resampleKernel,
  resizing: resampleKernel,
  flatten: viewKernel,
  reshape: viewKernel,
  dropout: viewKernel,
  masking: maskingKernel,
  permute: permuteKernel,
  activation: activationKernel,
  rescale: rescaleKernel,
  add: mergeKernel,
  subtract: mergeKernel,
  multiply: mergeKernel,
  average: mergeKernel,
  maximum: mergeKernel,
  minimum: mergeKernel,
  concatenate: concatenateKernel,
  dot: dotKernel,
};
