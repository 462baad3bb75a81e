import { activationParams } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { applyActivation, elementwise } from './activation.js';
import { clampInWasm } from './wasm/wasm-clamp.js';

/** 10,007 values (not a multiple of 4: the scalar tail runs too) around the clamp points, plus NaN and ±0. */
function samples(): Float32Array {
  const x = Float32Array.from({ length: 10_007 }, (_, i) => Math.fround(Math.sin(i * 12.9898) * 9));
  x.set([NaN, -0, 0, 6, -6, 6.000001, Infinity, -Infinity], 100);
  return x;
}

describe('relu and relu6 over large buffers (WASM SIMD clamp)', () => {
  it('runs in WASM here (Node has WebAssembly SIMD)', () => {
    expect(clampInWasm(new Float32Array(8), 6)).toBe(true);
  });

  for (const [name, params] of [
    ['relu6', activationParams('relu6')],
    ['relu', activationParams('relu')],
    ['relu with maxValue 2.5', activationParams({ kind: 'activation', activation: 'relu', maxValue: 2.5 })],
  ] as const) {
    it(`${name}: the values of the element-wise formula, NaN kept, -0 as +0`, () => {
      const x = samples();
      const f = elementwise(params)!;
      const expected = Float32Array.from(x, (v) => f(v));
      applyActivation(x, params, x.length);
      x.forEach((v, i) => {
        if (Number.isNaN(expected[i])) expect(v).toBeNaN();
        else expect(v === expected[i]).toBe(true);
      });
      expect(Object.is(x[101], 0)).toBe(true);
    });
  }
});
