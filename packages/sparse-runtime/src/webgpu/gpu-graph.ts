/**
 * The shared plan as GPU work: its steps in topological order (one per node, batch norms folded
 * where the plan folds them), each with the value ids it reads (0: the model input, `i + 1`: step
 * `i`'s output), its GPU programs and its output size, and the device buffers that hold the
 * values, pooled as the plan's buffer schedule says (see steps/buffer-plan.ts). Host-side only.
 */
import type { ModelPlan } from '../model/plan.js';
import { paddedBatch } from './shaders/common.js';
import { poolBuffers, type BufferPlan } from './steps/buffer-plan.js';
import type { GpuNode } from './steps/gpu-step.js';
import { gpuNodeOf } from './steps/node-steps.js';

/** One node of a {@link GpuGraph}. */
export interface GpuGraphNode extends GpuNode {
  /** Value ids it reads, in input order. */
  readonly inputs: readonly number[];
  /** Elements per sample of its output. */
  readonly outputSize: number;
}

/** What the executor runs. */
export interface GpuGraph {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly nodes: readonly GpuGraphNode[];
  readonly buffers: BufferPlan;
}

/** The GPU work of `plan`. */
export function gpuGraphOf(plan: ModelPlan): GpuGraph {
  const nodes = plan.steps.map((step): GpuGraphNode => {
    // A step the schedule runs in place writes the buffer of one of its inputs (any input held by
    // that buffer, a view of it included): its program reads those through the output binding.
    const inPlace = plan.inPlace[step.index] >= 0;
    const readsOutput = step.inputs.map((v) => inPlace && plan.bufferOf[v] === plan.bufferOf[step.output]);
    return { ...gpuNodeOf(step, readsOutput), inputs: step.inputs, outputSize: step.outputSize };
  });
  return { inputSize: plan.inputSize, outputSize: plan.outputSize, nodes, buffers: poolBuffers(plan) };
}

/**
 * Bytes of activation buffers the webgpu backend holds for a batch of `batch` samples run at once
 * (one chunk): its pooled device buffers at the padded batch size, not counting the row-major
 * staging buffers of the input and output. Host-side: computed from the plan, no device.
 */
export function webGpuActivationBytes(plan: ModelPlan, batch: number): number {
  return gpuGraphOf(plan).buffers.peakElements * paddedBatch(batch) * 4;
}
