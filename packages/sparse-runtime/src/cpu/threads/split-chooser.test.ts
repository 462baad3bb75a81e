import { describe, expect, it } from 'vitest';
import { SplitChooser, type SplitPath } from './split-chooser.js';

/** Runs `n` batches through `chooser`, each taking `ms[path]` per sample, and returns the ways taken. */
function drive(chooser: SplitChooser, batch: number, ms: Record<SplitPath, number>, n: number): SplitPath[] {
  const taken: SplitPath[] = [];
  for (let i = 0; i < n; i++) {
    const path = chooser.choose(batch);
    taken.push(path);
    chooser.record(batch, path, ms[path] * batch);
  }
  return taken;
}

describe('SplitChooser', () => {
  it('tries each way three times, then keeps the faster one, trying the other at runs 8, 16, 32 and every 32 after', () => {
    const tries = ['local', 'split', 'local', 'split', 'local', 'split'];
    expect(drive(new SplitChooser(), 64, { local: 1, split: 0.5 }, 7)).toEqual([...tries, 'split']);
    const taken = drive(new SplitChooser(), 64, { local: 0.2, split: 0.5 }, 100);
    expect(taken.slice(0, 7)).toEqual([...tries, 'local']);
    const others = taken.flatMap((p, i) => (i >= 6 && p === 'split' ? [i + 1] : []));
    expect(others).toEqual([8, 16, 32, 64, 96]);
  });

  it('judges by the best recent time, so a slow first run (a worker warming up) does not decide', () => {
    const c = new SplitChooser();
    const times = [9, 9, 1, 0.5, 1, 0.5]; // local, split (a slow first run), local, split, local, split
    for (const t of times) c.record(64, c.choose(64), t * 64);
    expect(c.choose(64)).toBe('split');
  });

  it('learns each batch size class on its own (half an octave apart)', () => {
    const c = new SplitChooser();
    drive(c, 1000, { local: 1, split: 0.4 }, 6);
    drive(c, 32, { local: 0.1, split: 0.4 }, 6);
    expect(c.choose(1000)).toBe('split');
    // 1,010 is in 1,000's class: its run is that class's 8th, the first recheck.
    expect(c.choose(1010)).toBe('local');
    expect(c.choose(32)).toBe('local');
    // 45 is the next class after 32: it starts over.
    expect(c.choose(45)).toBe('local');
    expect(c.choose(45)).toBe('local');
  });

  it('tries the way not taken once every recheckEvery runs, and follows it when the machine changed', () => {
    const c = new SplitChooser(8);
    const taken = drive(c, 64, { local: 1, split: 0.5 }, 16);
    expect(taken.filter((p) => p === 'local')).toHaveLength(3 + 2);
    expect(taken[7]).toBe('local');
    expect(taken[15]).toBe('local');
    // Local runs became faster: the next recheck (run 24) sees it, and local is kept from then on.
    const later = drive(c, 64, { local: 0.1, split: 0.5 }, 10);
    expect(later).toEqual([...Array<SplitPath>(7).fill('split'), 'local', 'local', 'local']);
  });
});
