import type { PipelineObserver, TrainingProgress } from '@dc/core';
import cliProgress from 'cli-progress';

/** Progress bars on stderr (stdout stays clean for `--json`); silent when stderr is not a terminal. */
export interface Progress {
  /** Starts (or restarts) the bar for a step of `total` units. */
  start(label: string, total: number): void;
  update(value: number, detail?: string): void;
  stop(): void;
  /** A line of text on stderr, above the bar. */
  log(message: string): void;
  /** Forwards a trainer's per-batch progress to the bar. */
  training(label: string): (p: TrainingProgress) => void;
  /** An observer that shows each pipeline stage's progress events. */
  observer: PipelineObserver;
}

/**
 * Creates the demo's progress display. `evaluationSet` names what the trainer evaluates on
 * (`test`, or `validation` when a validation split is held out).
 */
export function createProgress(evaluationSet: 'test' | 'validation' = 'test'): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} {detail}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  let current = '';
  const start = (label: string, total: number) => {
    if (active && current === label) return;
    if (active) bar.stop();
    bar.start(total, 0, { label, detail: '' });
    active = true;
    current = label;
  };
  const stop = () => {
    if (active) bar.stop();
    active = false;
    current = '';
  };
  const log = (message: string) => {
    stop();
    process.stderr.write(`${message}\n`);
  };
  return {
    start,
    update: (value, detail = '') => active && bar.update(value, { detail }),
    stop,
    log,
    training: (label) => (p) => {
      start(`${label} epoch ${p.epoch}/${p.epochs}`, p.batches);
      bar.update(p.batch, { detail: `loss ${p.loss.toFixed(4)}` });
    },
    observer: {
      onStageStart: (e) => log(`stage ${e.index + 1}/${e.total}: ${e.stage}`),
      onProgress: (e) => {
        start(`${e.stage} ${e.label}`, e.total);
        bar.update(e.current);
      },
      onStageEnd: (e) => {
        stop();
        const acc = e.report.accuracy === undefined ? '' : `, ${evaluationSet} error ${((1 - e.report.accuracy) * 100).toFixed(2)}%`;
        log(`  ${e.stage} done in ${e.report.seconds.toFixed(1)} s${acc}`);
      },
      onMessage: (e) => log(`  ${e.level === 'warn' ? 'warning: ' : ''}${e.message}`),
    },
  };
}
