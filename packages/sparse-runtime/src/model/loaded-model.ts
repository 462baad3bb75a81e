/**
 * A loaded model: the compressed model as decoded from the file (kept compressed: codebooks,
 * positions and codes), plus the execution plan with every shape resolved, shared by all backends.
 */
import type { CompressedModel } from '@dc/core';
import type { ModelPlan } from './plan.js';

/** What {@link loadCompressedModel} returns and {@link createSession} consumes. */
export interface LoadedModel {
  /** The compressed model, exactly as decoded (Huffman streams already decoded, weights still coded). */
  readonly compressed: CompressedModel;
  /** The execution plan: one step per node (batch norms folded and activations fused where possible), the buffer schedule. */
  readonly plan: ModelPlan;
  /** Whether the plan folds batch norms (the `foldBatchNorm` load option); worker threads plan alike. */
  readonly foldBatchNorm: boolean;
  /** Whether the plan fuses activations (the `fuseActivations` load option); worker threads plan alike. */
  readonly fuseActivations: boolean;
  /** Input shape without the batch dimension, e.g. `[784]` or `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** Output shape without the batch dimension, e.g. `[10]`. */
  readonly outputShape: readonly number[];
  /** Elements per input sample. */
  readonly inputSize: number;
  /** Elements per output sample. */
  readonly outputSize: number;
  /**
   * Peak activation memory in bytes per sample: the most float32 bytes that the plan's live
   * buffers (input, intermediate values, output) hold at once when buffers are freed as soon as no
   * later step reads them (`ModelPlan.peakActivationBytes`, see `schedule.ts`).
   */
  readonly peakActivationBytes: number;
  /** Bytes of the file the model was read from, when it came from a file. */
  readonly fileBytes?: number;
  /** Milliseconds spent reading, decoding and planning. */
  readonly loadMs: number;
}
