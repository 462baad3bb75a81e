import { describe, expect, it } from 'vitest';
import { isDcError } from '@dc/core';
import type { Model } from '@dc/core';
import { analyzeSensitivity, pickQualities, type SensitivityTable } from './sensitivity.js';
import { tinyMlp } from './test/models.js';

// A stand-in "accuracy": 1 minus a layer-weighted share of pruned kernel weights, so d1 is four times
// as sensitive as d2.
function fakeAccuracy(model: Model): number {
  let drop = 0;
  for (const [layer, weight] of [['d1', 0.2], ['d2', 0.05]] as const) {
    const v = model.layers.find((l) => l.name === layer)!.params.kernel!.values;
    drop += (weight * v.filter((x) => x === 0).length) / v.length;
  }
  return 1 - drop;
}

describe('analyzeSensitivity', () => {
  it('prunes one layer at a time and tabulates accuracy per level', async () => {
    const table = await analyzeSensitivity(tinyMlp(), { levels: [0.5, 0, 0.25, 0.75], evaluate: fakeAccuracy });
    expect(table.mode).toBe('sparsity');
    expect(table.levels).toEqual([0, 0.25, 0.5, 0.75]);
    expect(table.baseline).toBe(1);
    expect(table.rows.map((r) => r.layer)).toEqual(['d1', 'd2']);
    expect(table.rows[0].accuracy).toEqual([1, 1 - 0.2 * 0.25, 1 - 0.2 * 0.5, 1 - 0.2 * 0.75]);
    expect(table.rows[1].accuracy[2]).toBeCloseTo(1 - 0.05 * 0.5, 12);
    expect(table.rows[0].keptPercent).toEqual([100, 75, 50, 25]);
  });

  it('works with a trainer and in quality mode, and checks its options', async () => {
    const trainer = { evaluate: async (m: Model) => ({ accuracy: fakeAccuracy(m), loss: 0, examples: 1 }) };
    const table = await analyzeSensitivity(tinyMlp(), { levels: [0, 1, 2], mode: 'quality', trainer, layers: ['d2'] });
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0].keptPercent[0]).toBe(100);
    expect(table.rows[0].keptPercent[2]).toBeLessThan(table.rows[0].keptPercent[1]);
    const bad = await analyzeSensitivity(tinyMlp(), { levels: [1], evaluate: fakeAccuracy }).catch((e: unknown) => e);
    expect(isDcError(bad) && bad.code === 'INVALID_OPTION' && bad.option === 'sensitivity.levels').toBe(true);
    const optionOf = async (options: unknown) => {
      const e = await analyzeSensitivity(tinyMlp(), options as never).catch((err: unknown) => err);
      return isDcError(e) && e.code === 'INVALID_OPTION' ? e.option : e;
    };
    expect(await optionOf({ levels: [0.5], evaluate: fakeAccuracy, level: 3 })).toBe('sensitivity.level');
    expect(await optionOf({ levels: [0.5], evaluate: 0.9 })).toBe('sensitivity.evaluate');
    expect(await optionOf({ levels: [0.5], evaluate: fakeAccuracy, trainer })).toBe('sensitivity.evaluate');
    expect(await optionOf({ levels: [0.5], evaluate: fakeAccuracy, layers: [] })).toBe('sensitivity.layers');
    expect(await optionOf({ levels: [0.5], evaluate: fakeAccuracy, mode: 'magnitude' })).toBe('sensitivity.mode');
    expect(await optionOf({ levels: [0.5, Number.NaN], evaluate: fakeAccuracy })).toBe('sensitivity.levels');
    expect(await optionOf({ levels: [0.5], evaluate: fakeAccuracy, onProgress: 'log' })).toBe('sensitivity.onProgress');
    expect(await optionOf(null)).toBe('sensitivity');
    const unknown = await analyzeSensitivity(tinyMlp(), { levels: [0.5], evaluate: fakeAccuracy, layers: ['zz'] }).catch((e: unknown) => e);
    expect(isDcError(unknown) && unknown.code === 'UNKNOWN_LAYER' && unknown.tensor === 'zz').toBe(true);
  });
});

describe('pickQualities', () => {
  const table: SensitivityTable = {
    mode: 'sparsity',
    levels: [0.5, 0.8, 0.9, 0.95],
    baseline: 0.98,
    rows: [
      { layer: 'ip1', accuracy: [0.98, 0.979, 0.976, 0.95], keptPercent: [] },
      { layer: 'ip2', accuracy: [0.978, 0.97, 0.977, 0.9], keptPercent: [] }, // a noisy rebound at 0.9 is not taken
      { layer: 'ip3', accuracy: [0.9, 0.9, 0.9, 0.9], keptPercent: [] },
    ],
  };
  it('picks the highest level whose accuracy and all lower ones stay within the drop', () => {
    expect(pickQualities(table, 0.003)).toEqual({ ip1: 0.8, ip2: 0.5, ip3: 0 });
    expect(pickQualities(table, 0.005)).toEqual({ ip1: 0.9, ip2: 0.5, ip3: 0 });
    expect(pickQualities(table, 0.1)).toEqual({ ip1: 0.95, ip2: 0.95, ip3: 0.95 });
  });
  it('rejects a negative drop', () => {
    expect(() => pickQualities(table, -1)).toThrow(/maxDrop/);
  });
});
