import { createRandom } from '@dc/core';
import { describe, expect, it } from 'vitest';
import type { ConvSpec } from '../conv-spec.js';
import { randomSpec, referenceConv } from './random-conv.test-support.js';
import { createWasmConv } from './wasm-conv.js';
import { createWasmDepthwise, fitsWasmDepthwise } from './wasm-depthwise.js';

describe('createWasmDepthwise (channels in the lanes, NHWC)', () => {
  // Seeds 0-23: random kernels up to 5x5 (the taps loop); 24-35: 3x3 (the unrolled loop).
  for (let seed = 0; seed < 36; seed++) {
    const kernelSize = seed < 24 ? undefined : ([3, 3] as const);
    it(`#${seed}: random geometry (${kernelSize ? '3x3 kernel' : 'kernel 1x1 to 5x5'}, strides, dilation, SAME/VALID, clamps) equals the dense reference and the general WASM convolution at batches 1..40`, () => {
      const r = createRandom(seed + 500);
      const { spec, kernel } = randomSpec(r, true, { channelsInLanes: true, ...(kernelSize ? { kernel: kernelSize } : {}) });
      const depthwise = createWasmDepthwise(spec);
      const general = createWasmConv(spec);
      expect(depthwise).not.toBeNull();
      const inSize = spec.input[0] * spec.input[1] * spec.input[2];
      for (const batch of [1, 3, 16, 21, 40]) {
        const x = Float32Array.from({ length: batch * inSize }, () => (r.next() < 0.3 ? 0 : r.next() - 0.5));
        const expected = referenceConv(spec, kernel, x, batch);
        const actual = depthwise!.run(x, batch);
        expect(actual.length).toBe(expected.length);
        let err = 0;
        for (let i = 0; i < expected.length; i++) err = Math.max(err, Math.abs(expected[i] - actual[i]));
        expect(err, `batch ${batch}`).toBeLessThan(1e-5);
        // The same products added in the same order as the sparse kernel: equal values, not just close.
        const before = general!.run(x, batch);
        let differ = 0;
        for (let i = 0; i < before.length; i++) if (before[i] !== actual[i]) differ++;
        expect(differ, `batch ${batch}`).toBe(0);
      }
    });
  }

  it('takes depthwise layers with multiplier 1 and a multiple of 4 channels only', () => {
    const r = createRandom(7);
    const fits = randomSpec(r, true, { channelsInLanes: true }).spec;
    expect(fitsWasmDepthwise(fits)).toBe(true);
    const odd: ConvSpec = { ...fits, input: [fits.input[0], fits.input[1], 6], output: [fits.output[0], fits.output[1], 6] };
    const multiplier2: ConvSpec = { ...fits, output: [fits.output[0], fits.output[1], 2 * fits.output[2]] };
    expect(fitsWasmDepthwise(odd)).toBe(false);
    expect(fitsWasmDepthwise(multiplier2)).toBe(false);
    expect(fitsWasmDepthwise({ ...fits, depthwise: false })).toBe(false);
    expect(createWasmDepthwise(multiplier2)).toBeNull();
  });
});
