/**
 * Progress of a `dc compress` run as plain lines on stderr (stdout stays clean for `--json`): one
 * line per stage, per stage message and per training epoch, so a log file or CI output reads the
 * same as a terminal.
 */
import type { PipelineObserver, TrainingService } from '@dc/core';

/** Where a long command reports what it is doing. */
export interface Progress {
  /** One line of text. */
  log(message: string): void;
  /** Reports each pipeline stage's start, end (with the validation error) and messages. */
  readonly observer: PipelineObserver;
}

/** Options of {@link lineProgress}. */
export interface LineProgressOptions {
  /** What the trainer evaluates on, as a stage's end line names it; default `'validation'`. */
  readonly evaluationSet?: string;
}

/** A line-based progress writing through `line`. */
export function lineProgress(line: (text: string) => void, options: LineProgressOptions = {}): Progress {
  return { log: line, observer: stageLines(line, options.evaluationSet ?? 'validation', 'error') };
}

/**
 * Lines for each pipeline stage's start, end and messages; the end says the held-out `error` of a
 * classifier, or the held-out mean `loss` of a model judged by its loss (trained on targets).
 */
export function stageLines(line: (text: string) => void, evaluationSet: string, measure: 'error' | 'loss'): PipelineObserver {
  return {
    onStageStart: (e) => line(`stage ${e.index + 1}/${e.total}: ${e.stage}`),
    onStageEnd: (e) => {
      const { accuracy, loss } = e.report;
      const judged = measure === 'loss' ? (loss === undefined ? '' : `, ${evaluationSet} loss ${loss.toPrecision(4)}`) : accuracy === undefined ? '' : `, ${evaluationSet} error ${((1 - accuracy) * 100).toFixed(2)}%`;
      line(`  ${e.stage} done in ${e.report.seconds.toFixed(1)} s${judged}`);
    },
    onMessage: (e) => line(`  ${e.level === 'warn' ? 'warning: ' : ''}${e.message}`),
  };
}

/** A finished training epoch as one line, as `dc compress` and the demo print it: `train epoch 3/10: loss 0.0123, 12.3 s`. */
export function epochLine(epoch: { readonly epoch: number; readonly loss: number; readonly seconds: number }, epochs: number, label = 'train'): string {
  return `${label} epoch ${epoch.epoch}/${epochs}: loss ${epoch.loss.toFixed(4)}, ${epoch.seconds.toFixed(1)} s`;
}

/** `trainer` that reports the end of every training epoch (mean loss, seconds) through `progress`. */
export function withEpochLines(trainer: TrainingService, progress: Progress): TrainingService {
  return {
    backend: trainer.backend,
    evaluate: (model) => trainer.evaluate(model),
    fineTune: (model, options) =>
      trainer.fineTune(model, {
        ...options,
        onEpochEnd: (r) => {
          progress.log(`    ${epochLine(r, options.epochs)}`);
          options.onEpochEnd?.(r);
        },
      }),
  };
}
