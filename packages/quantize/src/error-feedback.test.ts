import { createRandom, isDcError } from '@dc/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEEDBACK_DAMPING, feedbackBlocks, prepareErrorFeedback, roundWithErrorFeedback } from './error-feedback.js';

/** `samples` inputs of `d` correlated features (x = A z, one A for every seed, z drawn from `seed`), row-major. */
function correlatedInputs(d: number, samples: number, seed: number): Float64Array {
  const m = createRandom(99);
  const mix = Float64Array.from({ length: d * d }, () => m.next() - 0.5);
  const r = createRandom(seed);
  const x = new Float64Array(samples * d);
  const z = new Float64Array(d);
  for (let s = 0; s < samples; s++) {
    for (let k = 0; k < d; k++) z[k] = r.next() + r.next() + r.next() - 1.5;
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) x[s * d + i] += mix[i * d + k] * z[k] + (i === k ? 0.3 * z[k] : 0);
  }
  return x;
}

/** The mean of x xᵀ. */
function momentsOf(x: Float64Array, d: number): Float64Array {
  const samples = x.length / d;
  const h = new Float64Array(d * d);
  for (let s = 0; s < samples; s++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) h[i * d + j] += (x[s * d + i] * x[s * d + j]) / samples;
  return h;
}

/** Σ_o Δw_o · H · Δw_o for `[d, outputs]` weights. */
function outputError(a: Float32Array, b: Float32Array, h: Float64Array, d: number): number {
  const outputs = a.length / d;
  let e = 0;
  for (let o = 0; o < outputs; o++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) e += (a[i * outputs + o] - b[i * outputs + o]) * h[i * d + j] * (a[j * outputs + o] - b[j * outputs + o]);
  return e;
}

const grid = (step: number) => (_: number, v: number) => Math.round(v / step) * step;

function weights(d: number, outputs: number, seed: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: d * outputs }, () => Math.fround(r.next() * 2 - 1));
}

describe('roundWithErrorFeedback', () => {
  it('cuts the output error of rounding on inputs it was not measured on, and reports its own error exactly', () => {
    const d = 24;
    const outputs = 5;
    const w = weights(d, outputs, 7);
    const calibration = momentsOf(correlatedInputs(d, 400, 1), d);
    const heldOut = momentsOf(correlatedInputs(d, 400, 2), d);
    const fed = roundWithErrorFeedback(w, prepareErrorFeedback(calibration, d), grid(0.25));
    const plain = w.map((v) => grid(0.25)(0, v));
    // Every value is on the grid, and the held-out output error is well under plain rounding's (about half here).
    for (const v of fed.values) expect(Math.abs(v / 0.25 - Math.round(v / 0.25))).toBeLessThan(1e-6);
    expect(outputError(w, fed.values, heldOut, d)).toBeLessThan(0.6 * outputError(w, plain, heldOut, d));
    // Its error: Σ Δw (H + λI) Δw for the damped moments.
    let mean = 0;
    for (let j = 0; j < d; j++) mean += calibration[j * d + j] / d;
    const damped = calibration.map((v, i) => (i % (d + 1) === 0 ? v + DEFAULT_FEEDBACK_DAMPING * mean : v));
    expect(fed.error).toBeCloseTo(outputError(w, fed.values, damped, d), 6);
  });

  it('is plain rounding when the inputs are uncorrelated, and keeps pruned weights exactly zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 1000 }), (d, outputs, seed) => {
        const w = weights(d, outputs, seed);
        const diagonal = new Float64Array(d * d);
        for (let j = 0; j < d; j++) diagonal[j * d + j] = j % 3 === 0 ? 0 : 1 + j; // dead inputs too
        const fb = prepareErrorFeedback(diagonal, d);
        expect(roundWithErrorFeedback(w, fb, grid(0.125)).values).toEqual(w.map((v) => grid(0.125)(0, v)));
        const pruned = roundWithErrorFeedback(w, prepareErrorFeedback(momentsOf(correlatedInputs(d, 50, seed), d), d), (p, v) => (p % 3 === 0 ? 0 : v));
        pruned.values.forEach((v, p) => {
          if (p % 3 === 0) expect(Object.is(v, 0)).toBe(true);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('with blocks, feeds each error back within its block: exactly as the whole of H with its other entries zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 1000 }), (d, blockSize, outputs, seed) => {
        const w = weights(d, outputs, seed);
        const h = momentsOf(correlatedInputs(d, 60, seed), d);
        const blocks = feedbackBlocks(d, blockSize);
        const blockOf = (i: number) => Math.floor(i / blockSize);
        const zeroed = h.map((v, k) => (blockOf(Math.floor(k / d)) === blockOf(k % d) ? v : 0));
        const kept = new Float64Array(blocks.reduce((a, b) => a + b.size * b.size, 0));
        for (const { start, size, offset } of blocks) for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) kept[offset + i * size + j] = h[(start + i) * d + start + j];
        const whole = roundWithErrorFeedback(w, prepareErrorFeedback(zeroed, d), grid(0.125));
        const blocked = prepareErrorFeedback(kept, d, DEFAULT_FEEDBACK_DAMPING, blockSize);
        expect(blocked.factor.length).toBe(kept.length);
        expect(roundWithErrorFeedback(w, blocked, grid(0.125))).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects moments of the wrong size and weights with no whole input rows', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isDcError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(err(() => prepareErrorFeedback(new Float64Array(5), 2))).toBe('INVALID_OPTION');
    // Blocks of 2 of 5 inputs: 4 + 4 + 1 values, not the whole 25.
    expect(err(() => prepareErrorFeedback(new Float64Array(25), 5, DEFAULT_FEEDBACK_DAMPING, 2))).toBe('INVALID_OPTION');
    expect(err(() => prepareErrorFeedback(Float64Array.of(1, 0, 0, 1, 1, 0, 0, 1, 1), 5, DEFAULT_FEEDBACK_DAMPING, 2))).toBe('none');
    expect(err(() => prepareErrorFeedback(Float64Array.of(1, 3, 3, 1), 2))).toBe('DATA_MISMATCH');
    expect(err(() => roundWithErrorFeedback(new Float32Array(5), prepareErrorFeedback(Float64Array.of(1, 0, 0, 1), 2), grid(1)))).toBe('DATA_MISMATCH');
  });
});
