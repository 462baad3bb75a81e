import { describe, expect, it } from 'vitest';
import { chooseAt, sparsityGrid } from './choose.js';
import { damageCurve, interpolate } from './curves.js';
import { indexBits, layerBytes } from './size-model.js';

describe('sensitivity curves and the size model', () => {
  it('turns accuracies into a non-decreasing error increase and interpolates it', () => {
    const c = damageCurve([0.5, 0.8, 0.9], [0.98, 0.985, 0.95], 0.99);
    expect(c.increase.map((x) => +x.toFixed(6))).toEqual([0.01, 0.01, 0.04]);
    expect(interpolate(c, 0.25)).toBeCloseTo(0.005, 12);
    expect(interpolate(c, 0.85)).toBeCloseTo(0.025, 12);
    expect(interpolate(c, 0.95)).toBeCloseTo(0.04, 12);
  });

  it('predicts index bits from the kept density and bytes from kept × bits', () => {
    expect(indexBits(0.5)).toBeCloseTo(2, 12);
    expect(indexBits(0.08)).toBeCloseTo(5.03, 2);
    expect(indexBits(1)).toBe(0);
    expect(layerBytes(1000, 0.5, 4)).toBeCloseTo((500 * 6) / 8 + 64, 9);
  });

  it('balances layers at a price: a higher price never gives more bytes', () => {
    const layers = [
      { layer: 'a', params: 10000, sparsity: damageCurve([0.5, 0.9, 0.99], [0.99, 0.98, 0.5], 0.99), bits: damageCurve([8, 4, 2], [0.99, 0.985, 0.9], 0.99) },
      { layer: 'b', params: 1000, sparsity: damageCurve([0.5, 0.9, 0.99], [0.9, 0.5, 0.1], 0.99), bits: damageCurve([8, 4, 2], [0.99, 0.95, 0.5], 0.99) },
    ];
    const grid = sparsityGrid(0.99, 0.01);
    let last = Infinity;
    for (const lambda of [1e-9, 1e-6, 1e-5, 1e-4, 1e-3, 1]) {
      const bytes = chooseAt(lambda, layers, grid).reduce((s, c) => s + c.predictedBytes, 0);
      expect(bytes).toBeLessThanOrEqual(last);
      last = bytes;
    }
    const mid = chooseAt(1e-5, layers, grid);
    expect(mid[0].sparsity).toBeGreaterThan(mid[1].sparsity);
  });

  it('prices codebooks at the bytes per entry the writer stores them in', () => {
    // 8 bits cost no accuracy, 6 bits 2e-4; at 300 kept weights the 8-bit codebook is 1,024 B as
    // float32 but 512 B as float16, which is what decides between them at this price.
    const layers = [{ layer: 'a', params: 300, sparsity: damageCurve([0.5], [0.99], 0.99), bits: damageCurve([8, 6], [0.99, 0.9898], 0.99) }];
    const [float32] = chooseAt(3e-7, layers, [0], 4);
    const [float16] = chooseAt(3e-7, layers, [0], 2);
    expect(float32.bits).toBe(6);
    expect(float16.bits).toBe(8);
    expect(float16.predictedBytes).toBeCloseTo(layerBytes(300, 0, 8, 8, 256, 2), 9);
    expect(float32.predictedBytes).toBeCloseTo(layerBytes(300, 0, 6, 6, 64, 4), 9);
  });
});
