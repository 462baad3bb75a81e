import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyMask, countKept, keptStd, pruneByThreshold, pruneGlobal, pruneToSparsity, stdThreshold } from './magnitude.js';

const f32 = (xs: number[]) => new Float32Array(xs);

describe('std rule', () => {
  it('computes quality × population std on known data', () => {
    // values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population std exactly 2
    const plain = f32([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(keptStd({ values: plain })).toBe(2);
    expect(stdThreshold({ values: plain }, 1.5)).toBe(3);
    const { mask, threshold } = pruneByThreshold({ values: plain }, stdThreshold({ values: plain }, 2.25));
    expect(threshold).toBe(4.5);
    expect([...mask]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    // signs do not matter for the threshold comparison
    const signed = f32([2, -4, 4, -4, 5, -5, 7, -9]);
    expect([...pruneByThreshold({ values: signed }, 4.5).mask]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('uses only the kept weights for the std, and keeps pruned weights pruned', () => {
    const values = f32([100, -100, 1, -1, 3, -3]);
    const mask = new Uint8Array([0, 0, 1, 1, 1, 1]);
    // kept: 1, -1, 3, -3: mean 0, std sqrt(5)
    expect(keptStd({ values, mask })).toBeCloseTo(Math.sqrt(5), 12);
    const out = pruneByThreshold({ values, mask }, stdThreshold({ values, mask }, 1));
    expect([...out.mask]).toEqual([0, 0, 0, 0, 1, 1]);
    expect([...mask]).toEqual([0, 0, 1, 1, 1, 1]); // input untouched
  });

  it('quality 0 prunes nothing', () => {
    const values = f32([0.5, -0.1, 0.3]);
    expect(countKept(3, pruneByThreshold({ values }, stdThreshold({ values }, 0)).mask)).toBe(3);
  });
});

describe('target sparsity', () => {
  const arb = fc.record({
    values: fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }),
    sparsity: fc.double({ min: 0, max: 0.999, noNaN: true }),
  });

  it('hits the per-layer target within one weight (ties included)', () => {
    fc.assert(
      fc.property(arb, ({ values, sparsity }) => {
        const v = f32(values.map((x) => Math.round(x * 8) / 8)); // many ties
        const { mask, threshold } = pruneToSparsity({ values: v }, sparsity);
        const pruned = v.length - countKept(v.length, mask);
        expect(Math.abs(pruned - sparsity * v.length)).toBeLessThanOrEqual(1);
        // every pruned weight is no larger than every kept weight
        let maxPruned = -Infinity;
        let minKept = Infinity;
        v.forEach((x, i) => (mask[i] ? (minKept = Math.min(minKept, Math.abs(x))) : (maxPruned = Math.max(maxPruned, Math.abs(x)))));
        expect(maxPruned).toBeLessThanOrEqual(minKept);
        if (pruned > 0) expect(maxPruned).toBe(threshold);
      }),
    );
  });

  it('hits the global target within one weight with one shared threshold', () => {
    fc.assert(
      fc.property(arb, arb, ({ values: a }, { values: b, sparsity }) => {
        const inputs = [{ values: f32(a) }, { values: f32(b.map((x) => x * 3)) }];
        const out = pruneGlobal(inputs, sparsity);
        const n = a.length + b.length;
        const pruned = out.reduce((s, r, i) => s + inputs[i].values.length - countKept(inputs[i].values.length, r.mask), 0);
        expect(Math.abs(pruned - sparsity * n)).toBeLessThanOrEqual(1);
        expect(out[0].threshold).toBe(out[1].threshold);
        for (const [t, r] of out.entries()) {
          inputs[t].values.forEach((x, i) => {
            if (Math.abs(x) < r.threshold) expect(r.mask[i]).toBe(0);
            if (Math.abs(x) > r.threshold) expect(r.mask[i]).toBe(1);
          });
        }
      }),
    );
  });

  it('prunes on top of an earlier mask and never un-prunes', () => {
    const values = f32([0.9, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0]);
    const mask = new Uint8Array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]); // 0.9 and 0.8 already pruned
    const out = pruneToSparsity({ values, mask }, 0.5);
    expect([...out.mask]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const lower = pruneToSparsity({ values, mask }, 0.1); // asks for fewer than already pruned
    expect([...lower.mask]).toEqual([...mask]);
  });

  it('a per-layer split of 8 weights at sparsity 0.75 prunes exactly 6', () => {
    const { mask } = pruneToSparsity({ values: f32([1, -2, 3, -4, 5, -6, 7, -8]) }, 0.75);
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
  });
});

describe('applyMask', () => {
  it('writes +0 (not -0) at pruned positions', () => {
    const out = applyMask(f32([-1, 2, -3]), new Uint8Array([0, 1, 0]));
    expect(Object.is(out[0], 0)).toBe(true);
    expect(Object.is(out[2], 0)).toBe(true);
    expect(out[1]).toBe(2);
  });
});
