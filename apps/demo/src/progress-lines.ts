/**
 * The demo's progress when stderr is not a terminal (`2> log`, CI): plain lines, one per finished
 * unit of work, with no bar control characters, so a log shows a long training run as it goes.
 */
import type { ProgressView } from './progress.js';

/**
 * Progress as lines through `line`: a training epoch's mean loss and seconds when it ends
 * (`train epoch 3/10: loss 0.0123, 12.3 s`), and a step at each quarter of its total
 * (`  dc:prune round 1/4: retrain: 2/4`): each label's 25%, 50%, 75% and 100%, once.
 */
export function lineView(line: (text: string) => void): ProgressView {
  let label = '';
  let quarters = 0;
  return {
    interactive: false,
    stop: () => {},
    step: (name, current, total) => {
      if (name !== label) [label, quarters] = [name, 0];
      const reached = total > 0 ? Math.floor((4 * Math.min(current, total)) / total) : 0;
      if (reached <= quarters) return;
      quarters = reached;
      line(`  ${name}: ${current}/${total}`);
    },
    training: (name, epochs) => ({
      onProgress: () => {},
      onEpochEnd: (e) => line(`${name} epoch ${e.epoch}/${epochs}: loss ${e.loss.toFixed(4)}, ${e.seconds.toFixed(1)} s`),
    }),
  };
}
