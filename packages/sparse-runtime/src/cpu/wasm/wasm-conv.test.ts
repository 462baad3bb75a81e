import { createRandom } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { randomSpec, referenceConv } from './random-conv.test-support.js';
import { createWasmConv } from './wasm-conv.js';

describe('createWasmConv (direct sparse convolution, WASM SIMD)', () => {
  for (const depthwise of [false, true]) {
    for (let seed = 0; seed < 24; seed++) {
      it(`${depthwise ? 'depthwise' : 'conv2d'} #${seed}: random geometry (strides, dilation, SAME/VALID) equals the dense reference at batches 1..40`, () => {
        const r = createRandom(seed + (depthwise ? 100 : 0));
        const { spec, kernel } = randomSpec(r, depthwise);
        const conv = createWasmConv(spec);
        expect(conv).not.toBeNull();
        const inSize = spec.input[0] * spec.input[1] * spec.input[2];
        // 1..3: one sample at a time with positions in the lanes; 16, 21, 40: samples in the lanes.
        for (const batch of [1, 3, 16, 21, 40]) {
          const x = Float32Array.from({ length: batch * inSize }, () => (r.next() < 0.3 ? 0 : r.next() - 0.5));
          const expected = referenceConv(spec, kernel, x, batch);
          const actual = conv!.run(x, batch);
          let err = 0;
          for (let i = 0; i < expected.length; i++) err = Math.max(err, Math.abs(expected[i] - actual[i]));
          expect(actual.length).toBe(expected.length);
          expect(err, `batch ${batch}`).toBeLessThan(1e-5);
        }
      });
    }
  }
});
