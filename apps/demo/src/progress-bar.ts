/** The demo's progress on a terminal: one cli-progress bar on stderr, redrawn in place. */
import cliProgress from 'cli-progress';
import type { ProgressView } from './progress.js';

/** A progress bar on `stream` (a terminal): per pipeline step and per training batch, with the loss. */
export function barView(stream: NodeJS.WritableStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream,
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
  return {
    interactive: true,
    stop,
    step: (label, value, total) => {
      start(label, total);
      bar.update(value);
    },
    training: (label) => ({
      onProgress: (p) => {
        start(`${label} epoch ${p.epoch}/${p.epochs}`, p.batches);
        bar.update(p.batch, { detail: `loss ${p.loss.toFixed(4)}` });
      },
      onEpochEnd: () => {},
      end: () => {},
    }),
  };
}
