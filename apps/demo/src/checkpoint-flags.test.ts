import { describe, expect, it } from 'vitest';
import { refuseFlagsOfCheckpointRun } from './checkpoint-flags.js';

describe('refuseFlagsOfCheckpointRun', () => {
  it('refuses another data set or baseline training flags for a run from the shipped checkpoint, naming the flag', () => {
    expect(() => refuseFlagsOfCheckpointRun({ dataDir: '/usr/share/datasets/fashion-mnist' }, false)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: '--data-dir', message: expect.stringContaining('trained on MNIST'), hint: expect.stringContaining('--from-scratch to train the baseline in this run on that data set') }),
    );
    expect(() => refuseFlagsOfCheckpointRun({ baselineEpochs: 5 }, false)).toThrow(expect.objectContaining({ option: '--baseline-epochs' }));
    expect(() => refuseFlagsOfCheckpointRun({ baselinePolishEpochs: 0 }, false)).toThrow(expect.objectContaining({ option: '--baseline-polish-epochs' }));
  });

  it('lets a baseline trained in the run take them: --from-scratch, or a preset that trains its own', () => {
    expect(() => refuseFlagsOfCheckpointRun({ dataDir: 'x', baselineEpochs: 5, fromScratch: true }, false)).not.toThrow();
    expect(() => refuseFlagsOfCheckpointRun({ dataDir: 'x', baselineLr: 0.01 }, true)).not.toThrow();
    expect(() => refuseFlagsOfCheckpointRun({}, false)).not.toThrow();
  });
});
