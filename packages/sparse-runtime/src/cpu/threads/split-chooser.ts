/**
 * Whether splitting a batch across threads pays, learned from the model's own runs. A split costs
 * messages and copies of the inputs, and whether the saved computation covers that depends on
 * the model, the batch and the machine: on LeNet-300-100 two threads took 0.43 ms at batch 32
 * against one thread's 0.12 ms, on the ResNet-style example 2.5 ms against 3.5 ms. So each batch
 * size class (half an octave: 32, 45, 64, ...) tries both ways, three times each, then takes the
 * faster by the best of its last three times per sample (a worker's first runs are slow: its code
 * is not optimised yet), and tries the other way again at runs 8, 16 and 32 of the class, then
 * every {@link SplitChooser.recheckEvery} runs, in case the machine or the worker changed. Results are the same either way (the threaded
 * model's outputs are bit for bit one thread's); only the time differs.
 */

/** How a batch runs: on the calling thread alone, or split across the threads. */
export type SplitPath = 'local' | 'split';

/** Times kept per way and class, and runs of each way before the first choice. */
const WINDOW = 3;

interface SizeClass {
  /** Recent milliseconds per sample, newest last. */
  readonly times: Record<SplitPath, number[]>;
  runs: number;
}

/** Learns per batch size class which way runs faster (see the module comment). */
export class SplitChooser {
  private readonly classes = new Map<number, SizeClass>();

  /** @param recheckEvery Runs of a class between two tries of the way not taken, once past the early ones. */
  constructor(readonly recheckEvery = 32) {}

  /** The way to run a batch of `batch` samples. */
  choose(batch: number): SplitPath {
    const c = this.classOf(batch);
    c.runs++;
    const { local, split } = c.times;
    if (local.length < WINDOW || split.length < WINDOW) return local.length <= split.length ? 'local' : 'split';
    const faster: SplitPath = Math.min(...split) < Math.min(...local) ? 'split' : 'local';
    // Early rechecks at runs 8, 16, 32, ... (the workers may still be warming up), then every recheckEvery.
    const due = c.runs < this.recheckEvery ? c.runs >= 8 && (c.runs & (c.runs - 1)) === 0 : c.runs % this.recheckEvery === 0;
    if (due) return faster === 'split' ? 'local' : 'split';
    return faster;
  }

  /** Records that a batch of `batch` samples took `ms` the `path` way (a run that overlapped another should not be recorded). */
  record(batch: number, path: SplitPath, ms: number): void {
    const times = this.classOf(batch).times[path];
    times.push(ms / batch);
    if (times.length > WINDOW) times.shift();
  }

  private classOf(batch: number): SizeClass {
    const key = Math.round(2 * Math.log2(batch));
    let c = this.classes.get(key);
    if (!c) this.classes.set(key, (c = { times: { local: [], split: [] }, runs: 0 }));
    return c;
  }
}
