import type { FineTuneOptions, Model, StageReport, TrainingService } from '@dc/core';
import { tinyDenseModel } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { lineProgress, withEpochLines } from './progress.js';

/** A trainer that "trains" `epochs` epochs of 3 batches instantly, reporting fixed losses and times. */
const fakeTrainer: TrainingService = {
  backend: 'fake',
  evaluate: async () => ({ accuracy: 1, loss: 0, examples: 1 }),
  fineTune: async (model: Model, o: FineTuneOptions) => {
    const epochs = [];
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      for (let batch = 1; batch <= 3; batch++) o.onProgress?.({ epoch, epochs: o.epochs, batch, batches: 3, loss: 0.5 });
      const result = { epoch, loss: 0.25 / epoch, seconds: 61.4 * epoch };
      epochs.push(result);
      o.onEpochEnd?.(result);
    }
    return { model, epochs };
  },
};

describe('dc compress progress lines (stderr, terminal or not)', () => {
  it('writes a line per stage start, message, end and training epoch, and keeps the caller\'s epoch hook', async () => {
    const lines: string[] = [];
    const progress = lineProgress((t) => lines.push(t));
    const seen: number[] = [];
    const model = tinyDenseModel();
    await withEpochLines(fakeTrainer, progress).fineTune(model, { epochs: 2, learningRate: 0.01, onEpochEnd: (e) => seen.push(e.epoch) });
    const report = { name: 'dc:prune', options: {}, seconds: 123.45, metrics: {}, bytesBefore: 8, bytesAfter: 8, accuracy: 0.975 } satisfies StageReport;
    progress.observer.onStageStart!({ stage: 'dc:prune', index: 0, total: 4 });
    progress.observer.onMessage!({ stage: 'dc:prune', level: 'info', message: 'round 1/1: kept 10.00% of pruned weights' });
    progress.observer.onStageEnd!({ stage: 'dc:prune', index: 0, report, model });
    lineProgress((t) => lines.push(t), { evaluationSet: 'test' }).observer.onStageEnd!({ stage: 'dc:prune', index: 0, report, model });
    expect(lines).toEqual([
      '    train epoch 1/2: loss 0.2500, 61.4 s',
      '    train epoch 2/2: loss 0.1250, 122.8 s',
      'stage 1/4: dc:prune',
      '  round 1/1: kept 10.00% of pruned weights',
      '  dc:prune done in 123.5 s, validation error 2.50%',
      '  dc:prune done in 123.5 s, test error 2.50%',
    ]);
    expect(seen).toEqual([1, 2]);
  });
});
