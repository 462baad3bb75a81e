import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scheduleValue, scheduleValues } from './schedule.js';

describe('schedules', () => {
  it('constant: every round at the final target', () => {
    expect(scheduleValues({ kind: 'constant' }, 0.9, 4)).toEqual([0.9, 0.9, 0.9, 0.9]);
  });

  it('polynomial matches s_f + (s_i − s_f)(1 − t/T)^p', () => {
    const s = scheduleValues({ kind: 'polynomial', initial: 0.5, power: 3 }, 0.9, 4);
    expect(s[0]).toBeCloseTo(0.9 + (0.5 - 0.9) * 0.75 ** 3, 12);
    expect(s[1]).toBeCloseTo(0.9 + (0.5 - 0.9) * 0.5 ** 3, 12);
    expect(s[3]).toBe(0.9);
  });

  it('polynomial is monotone non-decreasing, bounded by [min(initial, final), final], and ends at final', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0.1, max: 8, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (initial, final, power, rounds) => {
          const s = scheduleValues({ kind: 'polynomial', initial, power }, final, rounds);
          for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThanOrEqual(s[i - 1]);
          for (const v of s) {
            expect(v).toBeLessThanOrEqual(final);
            expect(v).toBeGreaterThanOrEqual(Math.min(initial, final) - 1e-15);
          }
          expect(s[rounds - 1]).toBe(final);
        },
      ),
    );
  });

  it('round 0 of a polynomial ramp is the initial value', () => {
    expect(scheduleValue({ kind: 'polynomial', initial: 0.2 }, 0.8, 0, 5)).toBeCloseTo(0.2, 12);
  });
});
