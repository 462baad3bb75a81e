import type { ProgressEvent } from '../stage.js';
import type { StageReport } from './report.js';
import type { JsonValue } from '../json.js';
import type { Model } from '../ir/model.js';

/** Watches a pipeline run (progress bars, logs) without stages knowing about it. */
export interface PipelineObserver {
  onStageStart?(event: { readonly stage: string; readonly index: number; readonly total: number }): void;
  onProgress?(event: ProgressEvent & { readonly stage: string }): void;
  /** After each stage, with its report and output model (for per-stage checkpoints or histograms). */
  onStageEnd?(event: { readonly stage: string; readonly index: number; readonly report: StageReport; readonly model: Model }): void;
  onMessage?(event: { readonly stage: string; readonly level: 'info' | 'warn'; readonly message: string; readonly data?: JsonValue }): void;
}

/** Calls `method` on every observer that has it. */
export function notify<K extends keyof PipelineObserver>(
  observers: readonly PipelineObserver[],
  method: K,
  event: Parameters<NonNullable<PipelineObserver[K]>>[0],
): void {
  for (const o of observers) (o[method] as ((e: typeof event) => void) | undefined)?.call(o, event);
}
