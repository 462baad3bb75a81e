import { lineProgress } from '@dc/cli';
import type { FineTuneOptions, PipelineObserver } from '@dc/core';
import { barView } from './progress-bar.js';
import { lineView } from './progress-lines.js';

/**
 * The demo's progress on stderr (stdout stays clean for `--json`): bars on a terminal; otherwise
 * (`2> log`, CI) plain lines, one per training epoch and per quarter of a stage's step.
 */
export interface Progress {
  /** Whether bars are drawn (stderr is a terminal); otherwise progress comes as plain lines. */
  readonly interactive: boolean;
  stop(): void;
  /** A line of text on stderr, above the bar. */
  log(message: string): void;
  /** The display of one fine-tuning run of `epochs` epochs: a per-batch bar, or a line per epoch (pipeline steps quiet until `end()`). */
  training(label: string, epochs: number): TrainingDisplay;
  /** An observer that shows each pipeline stage's start, progress, messages and end. */
  observer: PipelineObserver;
}

/** What one fine-tuning run reports to the display, and `end()` when it has finished (or failed). */
export type TrainingDisplay = Required<Pick<FineTuneOptions, 'onProgress' | 'onEpochEnd'>> & { end(): void };

/** How progress within a step is shown: a bar on a terminal ({@link barView}), plain lines elsewhere. */
export interface ProgressView {
  /** Whether progress is drawn as a bar (a terminal) rather than written as lines. */
  readonly interactive: boolean;
  /** Ends the bar, if one is drawn (before a line of text). */
  stop(): void;
  /** Progress `current` of `total` of the step `label` (a pipeline stage's progress event). */
  step(label: string, current: number, total: number): void;
  /** The display of one fine-tuning run of `epochs` epochs, named `label`. */
  training(label: string, epochs: number): TrainingDisplay;
}

/** Where progress goes: stderr, or any writable stream (a terminal gets bars, anything else lines). */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean };

/**
 * Creates the demo's progress display on `stream` (default stderr). `evaluationSet` names what
 * the trainer evaluates on (`test`, or `validation` when a validation split is held out).
 */
export function createProgress(evaluationSet: 'test' | 'validation' = 'test', stream: ProgressStream = process.stderr): Progress {
  const view = stream.isTTY ? barView(stream) : lineView((line) => stream.write(`${line}\n`));
  const log = (message: string) => {
    view.stop();
    stream.write(`${message}\n`);
  };
  const stages = lineProgress(log, { evaluationSet }).observer;
  return {
    interactive: view.interactive,
    stop: view.stop,
    log,
    training: view.training,
    observer: { ...stages, onProgress: (e) => view.step(`${e.stage} ${e.label}`, e.current, e.total) },
  };
}
