/**
 * The demo's progress when stderr is not a terminal (`2> log`, CI): plain lines, one per finished
 * unit of work, with no bar control characters, so a log shows a long training run as it goes.
 */
import { epochLine } from '@dc/cli';
import type { ProgressView } from './progress.js';

/**
 * Progress as lines through `line`: a training epoch's mean loss and seconds when it ends
 * (`train epoch 3/10: loss 0.0123, 12.3 s`, `epochLine`), and a step at each quarter of its total
 * (`  dc:cluster cluster conv2/kernel: 2/4`): each label's 25%, 50%, 75% and 100%, once. While a
 * training run is shown, steps stay quiet: they count the same batches or epochs as its lines.
 */
export function lineView(line: (text: string) => void): ProgressView {
  let label = '';
  let quarters = 0;
  let training = false;
  return {
    interactive: false,
    stop: () => {},
    step: (name, current, total) => {
      if (training) return;
      if (name !== label) [label, quarters] = [name, 0];
      const reached = total > 0 ? Math.floor((4 * Math.min(current, total)) / total) : 0;
      if (reached <= quarters) return;
      quarters = reached;
      line(`  ${name}: ${current}/${total}`);
    },
    training: (name, epochs) => {
      training = true;
      return {
        onProgress: () => {},
        onEpochEnd: (e) => line(epochLine(e, epochs, name)),
        end: () => (training = false),
      };
    },
  };
}
