import { Writable } from 'node:stream';
import type { StageReport } from '@dc/core';
import { tinyDenseModel } from '@dc/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { createProgress } from './progress.js';

/** A stream that is not a terminal (as stderr is under `2> log` or in CI), keeping what is written. */
function logFile(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createProgress on a stream that is not a terminal', () => {
  it('writes one plain line per epoch and per quarter of a step (none while epochs are reported), no bar, nothing on stdout', () => {
    const log = logFile();
    const stdout = vi.spyOn(process.stdout, 'write');
    const progress = createProgress('validation', log.stream);
    expect(progress.interactive).toBe(false);
    progress.log('training backend: wasm, threads: 1');
    const stage = 'dc:cluster';
    progress.observer.onStageStart!({ stage, index: 1, total: 3 });
    for (let current = 1; current <= 3; current++) progress.observer.onProgress!({ stage, label: `cluster fc${current}`, current, total: 3 });
    const training = progress.training('train', 2);
    for (let epoch = 1; epoch <= 2; epoch++) {
      for (let batch = 1; batch <= 10; batch++) {
        training.onProgress({ epoch, epochs: 2, batch, batches: 10, loss: 0.5 });
        progress.observer.onProgress!({ stage, label: `fine-tune centroids, epoch ${epoch}/2`, current: batch, total: 10 });
      }
      training.onEpochEnd({ epoch, loss: epoch === 1 ? 0.01234 : 0.00987, seconds: epoch === 1 ? 12.345 : 9.96 });
    }
    training.end();
    progress.observer.onProgress!({ stage, label: 'rebuild clustered tensors', current: 2, total: 2 });
    progress.observer.onMessage!({ stage, level: 'warn', message: 'fc3 has 3 distinct weights' });
    const report = { name: stage, options: {}, seconds: 25.04, metrics: {}, bytesBefore: 400, bytesAfter: 100, accuracy: 0.9875 } satisfies StageReport;
    progress.observer.onStageEnd!({ stage, index: 1, report, model: tinyDenseModel() });
    progress.stop();
    expect(log.text()).toBe(
      [
        'training backend: wasm, threads: 1',
        'stage 2/3: dc:cluster',
        '  dc:cluster cluster fc1: 1/3',
        '  dc:cluster cluster fc2: 2/3',
        '  dc:cluster cluster fc3: 3/3',
        'train epoch 1/2: loss 0.0123, 12.3 s',
        'train epoch 2/2: loss 0.0099, 10.0 s',
        '  dc:cluster rebuild clustered tensors: 2/2',
        '  warning: fc3 has 3 distinct weights',
        '  dc:cluster done in 25.0 s, validation error 1.25%',
        '',
      ].join('\n'),
    );
    expect(stdout).not.toHaveBeenCalled();
    stdout.mockRestore();
  });

  it('says "test error" when the trainer evaluates on the test set', () => {
    const log = logFile();
    const report = { name: 'dc:prune', options: {}, seconds: 1, metrics: {}, bytesBefore: 4, bytesAfter: 4, accuracy: 0.9 } satisfies StageReport;
    createProgress('test', log.stream).observer.onStageEnd!({ stage: 'dc:prune', index: 0, report, model: tinyDenseModel() });
    expect(log.text()).toBe('  dc:prune done in 1.0 s, test error 10.00%\n');
  });
});
