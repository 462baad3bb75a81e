import { describe, expect, it } from 'vitest';
import { isDcError } from '@dc/core';
import { pruneLowMagnitude } from './prune-low-magnitude.js';
import type { PruneLowMagnitudeOptions } from './options.js';

function errorOf(fn: () => unknown): { code: string; option?: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isDcError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

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
