/**
 * The cpu kernel of `resizing` (Keras' `Resizing`, half-pixel centres) against a float64
 * reference written here from the definition and against tfjs cpu's resizes; `upSampling2d`, which
 * shares the kernel, against tfjs's resizes without half-pixel centres.
 */
import * as tf from '@tensorflow/tfjs';
import { createRandom, type LayerConfig } from '@dc/core';
import { withRandomParams } from '@dc/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { planModel } from '../model/plan.js';
import { compressModel } from '../testing/compress-model.js';
import { resampleKernel } from './layout-kernel.js';

type Hwc = [number, number, number];
type Interpolation = 'bilinear' | 'nearest';

const BATCH = 2;

// Up and down by non-integer ratios, one axis up and the other down, integer ratios, the same
// size, to and from a single row or column.
const SHAPES: Array<[Hwc, [number, number]]> = [
  [[5, 4, 3], [8, 7]],
  [[8, 7, 2], [3, 5]],
  [[4, 6, 1], [4, 6]],
  [[7, 9, 3], [21, 3]],
  [[6, 6, 2], [2, 3]],
  [[1, 5, 2], [3, 1]],
  [[13, 1, 2], [3, 9]],
  [[3, 3, 4], [1, 1]],
];

/** Uniform in [−1, 1), `BATCH` samples of `shape`. */
function inputOf(shape: Hwc, seed: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: BATCH * shape[0] * shape[1] * shape[2] }, () => 2 * r.next() - 1);
}

/** The cpu kernel of a model of the one node `config` on `x`. */
function kernelOutput(config: LayerConfig, input: Hwc, x: Float32Array): Float32Array {
  const plan = planModel(compressModel(withRandomParams({ name: 'resample', inputShape: input, layers: [{ name: 'node', config }] }, 1)));
  return Float32Array.from(resampleKernel(plan.steps[0])([x], BATCH, undefined));
}

/**
 * `tf.image.resize` without antialiasing, in float64, from its definition: output row `o` samples
 * `(o + 0.5) · in / out − 0.5`, clamped to the image, between its two nearest rows (bilinear), or
 * copies row `min(in − 1, floor((o + 0.5) · in / out))` (nearest); columns alike.
 */
function reference(x: Float32Array, [H, W, C]: Hwc, [OH, OW]: [number, number], interpolation: Interpolation): Float64Array {
  const at = (b: number, y: number, x0: number, c: number) => x[((b * H + y) * W + x0) * C + c];
  const nearest = (o: number, n: number, out: number) => Math.min(n - 1, Math.floor(((o + 0.5) * n) / out));
  const linear = (o: number, n: number, out: number): [number, number, number] => {
    const s = Math.min(n - 1, Math.max(0, ((o + 0.5) * n) / out - 0.5));
    const lo = Math.floor(s);
    return [lo, Math.min(n - 1, lo + 1), s - lo];
  };
  const y = new Float64Array(BATCH * OH * OW * C);
  let f = 0;
  for (let b = 0; b < BATCH; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let c = 0; c < C; c++) {
          if (interpolation === 'nearest') {
            y[f++] = at(b, nearest(oy, H, OH), nearest(ox, W, OW), c);
            continue;
          }
          const [[y0, y1, wy], [x0, x1, wx]] = [linear(oy, H, OH), linear(ox, W, OW)];
          const top = at(b, y0, x0, c) * (1 - wx) + at(b, y0, x1, c) * wx;
          const bottom = at(b, y1, x0, c) * (1 - wx) + at(b, y1, x1, c) * wx;
          y[f++] = top * (1 - wy) + bottom * wy;
        }
      }
    }
  }
  return y;
}

/** tfjs cpu's `resizeBilinear` / `resizeNearestNeighbor` (no aligned corners) of `x`. */
function tfjsResize(x: Float32Array, [H, W, C]: Hwc, size: [number, number], interpolation: Interpolation, halfPixelCenters: boolean): Float32Array {
  return tf.tidy(() => {
    const image = tf.tensor4d(x, [BATCH, H, W, C]);
    const y = interpolation === 'nearest' ? tf.image.resizeNearestNeighbor(image, size, false, halfPixelCenters) : tf.image.resizeBilinear(image, size, false, halfPixelCenters);
    return y.dataSync() as Float32Array;
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('resizing on cpu', () => {
  for (const interpolation of ['bilinear', 'nearest'] as const) {
    it.each(SHAPES)(`${interpolation}: %j to %j equals the definition and tfjs cpu's resize with half-pixel centres within 1e-6`, (input, size) => {
      const x = inputOf(input, input[0] * 31 + size[1]);
      const actual = kernelOutput({ kind: 'resizing', size, interpolation }, input, x);
      expect(maxAbsDiff(actual, reference(x, input, size, interpolation))).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(actual, tfjsResize(x, input, size, interpolation, true))).toBeLessThanOrEqual(1e-6);
      // Nearest only copies.
      if (interpolation === 'nearest') expect(actual.every((v) => x.includes(v))).toBe(true);
    });
  }
});

describe('upSampling2d on cpu (the same kernel, its own tables)', () => {
  it.each([
    [[3, 5, 2], [2, 3]],
    [[4, 1, 3], [1, 4]],
    [[2, 2, 1], [1, 1]],
  ] as Array<[Hwc, [number, number]]>)('%j by %j equals tfjs cpu\'s resizes without half-pixel centres, bit for bit', (input, factors) => {
    const x = inputOf(input, 7);
    const size: [number, number] = [input[0] * factors[0], input[1] * factors[1]];
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      expect(kernelOutput({ kind: 'upSampling2d', size: factors, interpolation }, input, x), interpolation).toEqual(tfjsResize(x, input, size, interpolation, false));
    }
  });
});
