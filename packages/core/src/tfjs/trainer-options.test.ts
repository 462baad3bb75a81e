import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticImageSet, tinyDenseModel } from '../testing/fixtures.js';
import { createTfjsTrainer, type TfjsTrainerOptions } from './trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const set = syntheticImageSet(64, 1);
const base = { tf, train: set, validation: set };

/** The error `run` throws (a DcError is expected). */
function thrown(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected an error');
}

describe("createTfjsTrainer's options", () => {
  it('refuses unknown keys, naming them, with a hint where a fine-tuning option was given to the trainer', () => {
    const misplaced = thrown(() => createTfjsTrainer({ ...base, epochs: 3 } as TfjsTrainerOptions));
    expect(misplaced).toMatchObject({ code: 'INVALID_OPTION', option: 'epochs', stage: 'dc:trainer', hint: expect.stringContaining('trainer.fineTune(model, { epochs, learningRate })') });
    const typo = thrown(() => createTfjsTrainer({ ...base, batchsize: 32 } as TfjsTrainerOptions));
    expect(typo).toMatchObject({ code: 'INVALID_OPTION', option: 'batchsize', message: expect.stringContaining('known: tf, train, validation') });
  });

  it('refuses values of the wrong type or range', () => {
    const bad: [Partial<Record<keyof TfjsTrainerOptions, unknown>>, string][] = [
      [{ batchSize: 0 }, 'batchSize'],
      [{ batchSize: 12.5 }, 'batchSize'],
      [{ optimizer: 'rmsprop' }, 'optimizer'],
      [{ classes: 0 }, 'classes'],
      [{ batchNorm: 'train' }, 'batchNorm'],
      [{ fromLogits: 'yes' }, 'fromLogits'],
      [{ seed: Number.NaN }, 'seed'],
    ];
    for (const [extra, option] of bad) expect(thrown(() => createTfjsTrainer({ ...base, ...extra } as TfjsTrainerOptions))).toMatchObject({ code: 'INVALID_OPTION', option });
  });
});

describe("fineTune's options", () => {
  const trainer = createTfjsTrainer(base);
  const refusal = (ft: object) => trainer.fineTune(tinyDenseModel(3), ft as never).then(() => undefined, (e: unknown) => e);

  it('refuses an unknown key, a learning rate that is not positive and a fractional epoch count before any step', async () => {
    expect(await refusal({ epochs: 1, lr: 0.01 })).toMatchObject({ code: 'INVALID_OPTION', option: 'fineTune.lr' });
    expect(await refusal({ epochs: 1, learningRate: -0.01 })).toMatchObject({ code: 'INVALID_OPTION', option: 'fineTune.learningRate', hint: expect.stringContaining('positive') });
    expect(await refusal({ epochs: 1 })).toMatchObject({ code: 'INVALID_OPTION', option: 'fineTune.learningRate' });
    expect(await refusal({ epochs: 1.5, learningRate: 0.01 })).toMatchObject({ code: 'INVALID_OPTION', option: 'fineTune.epochs' });
    expect(await refusal({ epochs: 1, learningRate: 0.01, optimizer: 'rmsprop' })).toMatchObject({ code: 'INVALID_OPTION', option: 'fineTune.optimizer' });
  });

  it('runs with every option it knows', async () => {
    const epochs: number[] = [];
    const { model } = await trainer.fineTune(tinyDenseModel(3), { epochs: 1, learningRate: 0.01, batchSize: 16, optimizer: 'sgd', frozen: [], onEpochEnd: (e) => epochs.push(e.epoch) });
    expect(epochs).toEqual([1]);
    expect(model.layers.length).toBe(tinyDenseModel(3).layers.length);
  });
});
