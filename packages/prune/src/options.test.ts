import { describe, expect, it } from 'vitest';
import { createPipeline, isDcError } from '@dc/core';
import { thrownError } from '@dc/core/testing';
import { pruneLowMagnitude } from './prune-low-magnitude.js';
import type { PruneLowMagnitudeOptions } from './options.js';
import { tinyMlp } from './test/models.js';

const errorOf = thrownError;

describe('pruneLowMagnitude options (validated in the factory)', () => {
  const cases: [string, PruneLowMagnitudeOptions, string][] = [
    ['negative sparsity', { sparsity: -0.1 }, 'sparsity'],
    ['sparsity 1', { sparsity: 1 }, 'sparsity'],
    ['sparsity above 1', { sparsity: 1.5 }, 'sparsity'],
    ['per-layer sparsity ≥ 1', { sparsity: { ip1: 0.9, ip2: 1 } }, 'sparsity.ip2'],
    ['negative per-layer quality', { quality: { ip1: -1 } }, 'quality.ip1'],
    ['NaN quality', { quality: Number.NaN }, 'quality'],
    ['global sparsity ≥ 1', { globalSparsity: 1 }, 'globalSparsity'],
    ['negative global sparsity', { globalSparsity: -0.5 }, 'globalSparsity'],
    ['two targets', { sparsity: 0.5, quality: 1 }, 'sparsity'],
    ['empty layers', { layers: [] }, 'layers'],
    ['repeated layers', { layers: ['a', 'a'] }, 'layers'],
    ['rounds 0', { rounds: 0 }, 'rounds'],
    ['fractional rounds', { rounds: 1.5 }, 'rounds'],
    ['unknown schedule', { schedule: { kind: 'cubic' } as never }, 'schedule.kind'],
    ['schedule initial ≥ 1 for sparsity', { schedule: { kind: 'polynomial', initial: 1 } }, 'schedule.initial'],
    ['negative schedule power', { schedule: { kind: 'polynomial', power: -1 } }, 'schedule.power'],
    ['retrain lr 0', { retrain: { epochs: 1, learningRate: 0 } }, 'retrain.learningRate'],
    ['retrain negative epochs', { retrain: { epochs: -1, learningRate: 1e-3 } }, 'retrain.epochs'],
    ['retrain bad optimizer', { retrain: { epochs: 1, learningRate: 1e-3, optimizer: 'rmsprop' as never } }, 'retrain.optimizer'],
    ['unknown option', { sparsty: 0.5 } as never, 'sparsty'],
    ['unknown retrain option', { retrain: { epochs: 1, learningRate: 1e-3, lr: 1 } } as never, 'retrain.lr'],
    ['unknown schedule option', { schedule: { kind: 'polynomial', intial: 0.5 } } as never, 'schedule.intial'],
    ['constant schedule with a power', { schedule: { kind: 'constant', power: 2 } } as never, 'schedule'],
    ['pruneBiases not a boolean', { pruneBiases: 'yes' } as never, 'pruneBiases'],
    ['layers not an array', { layers: 'ip1' } as never, 'layers'],
    ['options not an object', 0.9 as never, 'options'],
  ];
  it.each(cases)('%s → INVALID_OPTION naming the option', (_, options, option) => {
    const e = errorOf(() => pruneLowMagnitude(options));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.option).toBe(option);
    expect(e.message).toContain(`"${option}"`);
  });

  it('accepts valid options and records them (with defaults) as JSON', () => {
    const stage = pruneLowMagnitude({ quality: { ip1: 2.2, '*': 1 }, rounds: 3, schedule: { kind: 'polynomial' }, retrain: { epochs: 2, learningRate: 1e-4 } });
    expect(stage.options).toEqual({
      quality: { ip1: 2.2, '*': 1 },
      pruneBiases: false,
      rounds: 3,
      schedule: { kind: 'polynomial' },
      retrain: { epochs: 2, learningRate: 1e-4 },
      evaluate: true,
    });
    expect(pruneLowMagnitude().options).toMatchObject({ sparsity: 0.5, rounds: 1 });
    expect(pruneLowMagnitude(stage.options as PruneLowMagnitudeOptions).options).toEqual(stage.options);
  });
});

describe('pruneLowMagnitude errors through a pipeline keep their code', () => {
  it('an unknown layer is UNKNOWN_LAYER from run(), naming stage and option and listing the layers', async () => {
    const e = await createPipeline().use(pruneLowMagnitude({ sparsity: { ip1: 0.5 } })).run(tinyMlp()).catch((error: unknown) => error);
    expect(isDcError(e) && [e.code, e.stage, e.option]).toEqual(['UNKNOWN_LAYER', 'dc:prune', 'sparsity.ip1']);
    expect((e as Error).message).toContain('valid: d1, d2');
  });

  it('retraining without a trainer is TRAINER_REQUIRED from run()', async () => {
    const e = await createPipeline().use(pruneLowMagnitude({ retrain: { epochs: 1, learningRate: 0.01 } })).run(tinyMlp()).catch((error: unknown) => error);
    expect(isDcError(e) && [e.code, e.stage, e.option]).toEqual(['TRAINER_REQUIRED', 'dc:prune', 'retrain']);
  });
});
