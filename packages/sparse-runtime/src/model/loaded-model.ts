/**
 * A loaded model: the compressed model as decoded from the file (kept compressed: codebooks,
 * positions and codes), plus an execution plan with every shape resolved, shared by all backends.
 */
import type { CompressedModel } from '@dc/core';
import type { PlannedLayer } from './plan.js';

/** What {@link loadCompressedModel} returns and {@link createSession} consumes. */
export interface LoadedModel {
  /** The compressed model, exactly as decoded (Huffman streams already decoded, weights still coded). */
  readonly compressed: CompressedModel;
  /** One step per layer, with input and output shapes resolved. */
  readonly plan: readonly PlannedLayer[];
  /** Input shape without the batch dimension, e.g. `[784]` or `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** Output shape without the batch dimension, e.g. `[10]`. */
  readonly outputShape: readonly number[];
  /** Elements per input sample. */
  readonly inputSize: number;
  /** Elements per output sample. */
  readonly outputSize: number;
  /** Bytes of the file the model was read from, when it came from a file. */
  readonly fileBytes?: number;
  /** Milliseconds spent reading, decoding and planning. */
  readonly loadMs: number;
}
