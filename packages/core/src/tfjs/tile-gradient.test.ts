/**
 * dc's gradient of `Tile` sums every repetition back onto the input, as the definition says —
 * written out below as float64 loops — on any rank, and runs no slice per repetition (tfjs's own
 * runs one per repetition: 1,568 for a layer norm's scale on a [32, 7, 7, 32] activation).
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerTileGradient, sumRepetitions } from './tile-gradient.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let registered: { restore(): void } | undefined;
afterEach(() => registered?.restore());

/** dx[j] = Σ over output positions i whose source is j (i mod shape on each axis) of dy[i], in float64. */
function reference(dy: Float32Array, shape: readonly number[], reps: readonly number[]): Float64Array {
  const outShape = shape.map((d, a) => d * reps[a]);
  const dx = new Float64Array(shape.reduce((p, d) => p * d, 1));
  const index = outShape.map(() => 0);
  for (let i = 0; i < dy.length; i++) {
    let j = 0;
    for (let a = 0; a < shape.length; a++) j = j * shape[a] + (index[a] % shape[a]);
    dx[j] += dy[i];
    for (let a = outShape.length - 1; a >= 0 && ++index[a] === outShape[a]; a--) index[a] = 0;
  }
  return dx;
}

/** Equal up to float32 rounding of sums of `terms` standard-normal values (an index error is off by O(1)). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, terms: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(2e-6 * terms);
}

describe('sumRepetitions', () => {
  it('is the gradient of tile by its definition on ranks 1-6, repetitions 1-4', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ size: fc.integer({ min: 1, max: 3 }), rep: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1e6 }), (axes, seed) => {
        const shape = axes.map((a) => a.size);
        const reps = axes.map((a) => a.rep);
        const dy = tf.randomNormal(shape.map((d, a) => d * reps[a]), 0, 1, 'float32', seed);
        const dx = sumRepetitions(tf, dy, shape, reps);
        expect(dx.shape).toEqual(shape);
        expectClose(dx.dataSync(), reference(dy.dataSync() as Float32Array, shape, reps), reps.reduce((p, r) => p * r, 1));
        tf.dispose([dy, dx]);
      }),
      { numRuns: 80, seed: 7 },
    );
  });
});

describe('registerTileGradient', () => {
  it("gives tf.grad of a tiled layer norm's scale what tfjs's own gives, without a slice per repetition", async () => {
    const gamma = tf.randomNormal([1, 1, 1, 32], 0, 1, 'float32', 1);
    const weights = tf.randomNormal([32, 7, 7, 32], 0, 1, 'float32', 2);
    const loss = (g: tf.Tensor) => tf.sum(tf.mul(tf.tile(g, [32, 7, 7, 1]), weights));
    const kernelsOf = async (run: () => tf.Tensor) => {
      let grad: tf.Tensor | undefined;
      const profile = await tf.profile(() => {
        grad = run();
        return grad;
      });
      return { grad: grad!, names: profile.kernels.map((k) => k.name) };
    };
    const stock = await kernelsOf(() => tf.grad(loss)(gamma));
    registered = registerTileGradient(tf);
    const ours = await kernelsOf(() => tf.grad(loss)(gamma));
    expect(stock.names.filter((n) => n === 'Slice')).toHaveLength(32 * 7 * 7);
    expect(ours.names.filter((n) => n === 'Slice')).toHaveLength(0);
    expect(ours.names.length).toBeLessThan(20);
    expectClose(ours.grad.dataSync(), stock.grad.dataSync(), 32 * 7 * 7);
    expectClose(ours.grad.dataSync(), reference(weights.dataSync() as Float32Array, [1, 1, 1, 32], [32, 7, 7, 1]), 32 * 7 * 7);
    tf.dispose([gamma, weights, stock.grad, ours.grad]);
  });

  it('differentiates tiles of rank 5, where tfjs\'s own gradient throws', () => {
    const x = tf.randomNormal([2, 1, 3, 1, 2], 0, 1, 'float32', 3);
    const weights = tf.randomNormal([2, 4, 3, 2, 2], 0, 1, 'float32', 4);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, [1, 4, 1, 2, 1]), weights));
    expect(() => tf.grad(loss)(x)).toThrow(/rank-5/);
    registered = registerTileGradient(tf);
    const dx = tf.grad(loss)(x);
    expectClose(dx.dataSync(), reference(weights.dataSync() as Float32Array, [2, 1, 3, 1, 2], [1, 4, 1, 2, 1]), 8);
    tf.dispose([x, weights, dx]);
  });

  it("trains tfjs's LayerNormalization of a token sequence as the definition says", () => {
    registered = registerTileGradient(tf);
    const layer = tf.layers.layerNormalization({ axis: -1 });
    const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 5);
    const target = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 6);
    layer.apply(x);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(layer.apply(x) as tf.Tensor, target))) as tf.Scalar);
    // By hand, in float64: d/dγ_c = Σ over tokens 2 (x̂ γ + β − t) x̂ = Σ 2 (x̂ − t) x̂ at γ = 1, β = 0.
    const rows = (x.arraySync() as number[][][]).flat();
    const t = (target.arraySync() as number[][][]).flat();
    const scale = new Float64Array(4);
    const offset = new Float64Array(4);
    rows.forEach((row, r) => {
      const mean = row.reduce((a, v) => a + v, 0) / 4;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / 4;
      row.forEach((v, c) => {
        const hat = (v - mean) / Math.sqrt(variance + 1e-3);
        scale[c] += 2 * (hat - t[r][c]) * hat;
        offset[c] += 2 * (hat - t[r][c]);
      });
    });
    const gradOf = (part: RegExp) => Object.entries(grads).find(([name]) => part.test(name))![1].dataSync();
    expectClose(gradOf(/gamma/), scale, 15);
    expectClose(gradOf(/beta/), offset, 15);
    tf.dispose([x, target, value, ...Object.values(grads)]);
    layer.dispose();
  });

  it('registers once, and restore() puts back the gradient it replaced', () => {
    const stock = tf.getGradient('Tile');
    const first = registerTileGradient(tf);
    const second = registerTileGradient(tf);
    expect(first.replaced).toBe(true);
    expect(second.replaced).toBe(false);
    second.restore();
    expect(tf.getGradient('Tile')).not.toBe(stock);
    first.restore();
    first.restore();
    expect(tf.getGradient('Tile')).toBe(stock);
  });
});
