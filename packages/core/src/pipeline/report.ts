import type { JsonValue } from '../json.js';

/** What the pipeline recorded about one stage. */
export interface StageReport {
  readonly name: string;
  readonly options: JsonValue;
  readonly seconds: number;
  readonly metrics: { readonly [key: string]: JsonValue };
  /** Size before the stage: the previous stage's `bytesAfter`, or the float32 size for the first. */
  readonly bytesBefore: number;
  /** Size the stage reported for its output; equal to `bytesBefore` when it reported none. */
  readonly bytesAfter: number;
  /** Held-out accuracy of the stage's output model, when the run evaluates. */
  readonly accuracy?: number;
  /** Held-out mean loss of the stage's output model, when the run evaluates (what a regression model is judged by). */
  readonly loss?: number;
}

/** The report of a whole pipeline run. */
export interface PipelineReport {
  readonly seed: number;
  /** Float32 bytes of every parameter of the input model. */
  readonly originalBytes: number;
  /** Accuracy of the input model, when the run evaluates. */
  readonly baselineAccuracy?: number;
  /** Mean held-out loss of the input model, when the run evaluates. */
  readonly baselineLoss?: number;
  readonly stages: readonly StageReport[];
  readonly seconds: number;
  /** The training backend, when a trainer was given. */
  readonly backend?: string;
}
