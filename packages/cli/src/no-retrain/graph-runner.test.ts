import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGraphRunner } from './graph-runner.js';

/** A hand-written GraphDef: y = x · w (MatMul of a [n, 4] placeholder and a 4 × 3 Const). */
function matMulArtifacts(w: Float32Array): tf.io.ModelArtifacts {
  const float = { type: 'DT_FLOAT' };
  return {
    format: 'graph-model',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '4' }] } } } },
        { name: 'w', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '4' }, { size: '3' }] } } } } },
        { name: 'y', op: 'MatMul', input: ['x', 'w'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
      ],
      versions: { producer: 1 },
    },
    weightSpecs: [{ name: 'w', shape: [4, 3], dtype: 'float32' }],
    weightData: w.slice().buffer as ArrayBuffer,
  };
}

const matMul = (x: number[], w: ArrayLike<number>) => [0, 1, 2].map((j) => x.reduce((a, xi, i) => a + xi * w[i * 3 + j], 0));

describe('createGraphRunner', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs a GraphModel with weights substituted for one call, the originals restored after', async () => {
    const w = Float32Array.from({ length: 12 }, (_, i) => i - 5);
    const runner = await createGraphRunner(tf, matMulArtifacts(w));
    expect(runner.inputs).toEqual([{ name: 'x', shape: [-1, 4], dtype: 'float32' }]);
    const x = [1, 2, -1, 0.5];
    const batch = [tf.tensor2d([x])];
    const [original] = await runner.run(new Map(), batch);
    expect(original.shape).toEqual([1, 3]);
    expect(Array.from(original.values)).toEqual(matMul(x, w));
    const w2 = w.map((v) => (v > 0 ? v : 0));
    const [substituted] = await runner.run(new Map([['w', w2]]), batch);
    expect(Array.from(substituted.values)).toEqual(matMul(x, w2));
    const [again] = await runner.run(new Map(), batch);
    expect(again.values).toEqual(original.values);
    tf.dispose(batch);
    runner.dispose();
  });
});
