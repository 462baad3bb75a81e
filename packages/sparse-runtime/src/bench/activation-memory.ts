/**
 * Peak activation memory of models as the runtime plans them: bytes per sample from the plan's
 * buffer schedule, what a backend running a whole batch at once holds, and what the cpu backend
 * holds (chunks of 16 samples), and the webgpu backend's pooled device buffers (the whole batch,
 * padded to 16 samples). Computed from the schedule, not timed.
 */
import { cpuActivationBytes } from '../cpu/batch-chunks.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { planModel } from '../model/plan.js';
import { webGpuActivationBytes } from '../webgpu/gpu-graph.js';

/** One model's figures. */
export interface ActivationMemoryRow {
  readonly model: string;
  readonly nodes: number;
  /** Plan steps (batch norms folded). */
  readonly steps: number;
  /** Bytes per sample with batch norms folded (the default), and without folding. */
  readonly perSampleBytes: number;
  readonly perSampleUnfoldedBytes: number;
  /** Bytes per sample if every value were kept to the end (no buffer freed or reused). */
  readonly perSampleKeepAllBytes: number;
  readonly batches: readonly { readonly batch: number; readonly wholeBatchBytes: number; readonly cpuBytes: number; readonly webgpuBytes: number }[];
}

/** The activation-memory figures of `models` at each batch size. */
export function activationMemory(models: readonly LoadedModel[], batches: readonly number[] = [1, 32, 1000]): ActivationMemoryRow[] {
  return models.map((m) => {
    const plan = m.plan;
    return {
      model: m.compressed.name,
      nodes: m.compressed.layers.length,
      steps: plan.steps.length,
      perSampleBytes: plan.peakActivationBytes,
      perSampleUnfoldedBytes: planModel(m.compressed, { foldBatchNorm: false }).peakActivationBytes,
      perSampleKeepAllBytes: plan.valueSizes.reduce((a, b) => a + b, 0) * 4,
      batches: batches.map((batch) => ({ batch, wholeBatchBytes: plan.peakActivationBytes * batch, cpuBytes: cpuActivationBytes(plan, batch), webgpuBytes: webGpuActivationBytes(plan, batch) })),
    };
  });
}
