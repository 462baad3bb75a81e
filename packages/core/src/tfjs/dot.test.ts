import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateModel } from '../ops/validate-model.js';
import { thrownError } from '../testing/error-code.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { convertConfig } from './layer-configs.js';
import { maskRole } from './masks.js';
import { predictions, weightsOf } from './layers-model.test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Sym = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
/** Seeded initial weights: unseeded ones made the 1e-6 bounds below pass on most draws only. */
const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/**
 * Self-attention as tfjs users build it (tfjs has no attention layer): token ids → Embedding(50, 8)
 * → Dense q, k, v → scores Dot(axes 2)([q, k]) → Softmax → context Dot(axes [2, 1])([scores, v])
 * → residual Add → LayerNormalization → GlobalAveragePooling1D → Dense(2, softmax).
 */
function attentionClassifier(): tf.LayersModel {
  const ids = tf.input({ shape: [6], name: 'tokens' });
  const embedded = apply(tf.layers.embedding({ inputDim: 50, outputDim: 8, embeddingsInitializer: tf.initializers.randomNormal({ seed: 10 }), name: 'embed' }), ids);
  const [q, k, v] = ['q', 'k', 'v'].map((name, i) => apply(tf.layers.dense({ units: 8, kernelInitializer: seeded(11 + i), biasInitializer: tf.initializers.randomNormal({ seed: 21 + i }), name }), embedded));
  const scores = apply(tf.layers.dot({ axes: 2, name: 'scores' }), [q, k]);
  const weights = apply(tf.layers.softmax({ axis: -1, name: 'attention' }), scores);
  const context = apply(tf.layers.dot({ axes: [2, 1], name: 'context' }), [weights, v]);
  const norm = apply(tf.layers.layerNormalization({ name: 'norm' }), apply(tf.layers.add({ name: 'residual' }), [embedded, context]));
  const out = apply(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: seeded(14), name: 'head' }), apply(tf.layers.globalAveragePooling1d({ name: 'pool' }), norm));
  return tf.model({ inputs: ids, outputs: out, name: 'attention-classifier' });
}

/**
 * One Dot on values computed from an input `[3, 5]`: `a`, `b` `[3, 4]` (Dense), `c` `[4, 3]`
 * (Permute of a), `p` `[4]` (the mean of a over steps), `w` `[3]` (Dense of p).
 */
function oneDot(first: 'a' | 'b' | 'c' | 'p' | 'w', second: 'a' | 'b' | 'c' | 'p' | 'w', axes: number | [number, number], normalize: boolean): tf.LayersModel {
  const input = tf.input({ shape: [3, 5] });
  const a = apply(tf.layers.dense({ units: 4, kernelInitializer: seeded(1), name: 'a' }), input);
  const b = apply(tf.layers.dense({ units: 4, kernelInitializer: seeded(2), name: 'b' }), input);
  const c = apply(tf.layers.permute({ dims: [2, 1], name: 'c' }), a);
  const p = apply(tf.layers.globalAveragePooling1d({ name: 'p' }), a);
  const w = apply(tf.layers.dense({ units: 3, kernelInitializer: seeded(3), name: 'w' }), p);
  const values = { a, b, c, p, w };
  return tf.model({ inputs: input, outputs: apply(tf.layers.dot({ axes, normalize, name: 'dot' }), [values[first], values[second]]) });
}

/**
 * Predictions within 1e-6 of the largest: a Dense layer on a sequence comes back from the IR as a
 * 1×1 convolution (`dense-nd.ts`), which tfjs sums in another order; the Dot layers are tfjs's own
 * both ways.
 */
function expectClose(actual: Float32Array, expected: Float32Array): void {
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  expect(actual.length).toBe(expected.length);
  expect(Math.max(...Array.from(actual, (v, i) => Math.abs(v - expected[i]))) / scale).toBeLessThan(1e-6);
}

describe('tfjs Dot layers', () => {
  it('round-trip a self-attention text classifier: two dot nodes, weights bit-exact, predictions within 1e-6', () => {
    const original = attentionClassifier();
    const ir = fromLayersModel(original);
    const config = (name: string) => ir.layers.find((l) => l.name === name)!.config;
    expect([config('scores'), config('context')]).toEqual([{ kind: 'dot', axes: [2, 2], normalize: false }, { kind: 'dot', axes: [2, 1], normalize: false }]);
    const shapes = new Map(validateModel(ir).nodes.map((n) => [n.name, n.outputShape]));
    expect([shapes.get('scores'), shapes.get('context')]).toEqual([[6, 6], [6, 8]]);
    const rebuilt = toLayersModel(ir, tf);
    expect(rebuilt.layers.filter((l) => l.getClassName() === 'Dot').map((l) => [l.name, (l.getConfig() as { axes: unknown }).axes])).toEqual([['scores', [2, 2]], ['context', [2, 1]]]);
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    expect(fromLayersModel(rebuilt).layers.map((l) => l.config)).toEqual(ir.layers.map((l) => l.config));
    const ids = tf.floor(tf.randomUniform([4, 6], 0, 50, 'float32', 3));
    expectClose(predictions(rebuilt, ids), predictions(original, ids));
  });

  it.each([
    ['a', 'b', 2, [2, 2], [3, 3]],
    ['a', 'b', -1, [2, 2], [3, 3]],
    ['a', 'c', [2, 1], [2, 1], [3, 3]],
    ['a', 'b', 1, [1, 1], [4, 4]],
    ['a', 'c', [1, 2], [1, 2], [4, 4]],
    ['a', 'p', [2, 1], [2, 1], [3]],
    ['a', 'w', [1, 1], [1, 1], [4]],
    ['w', 'a', [1, 1], [1, 1], [4]],
    ['p', 'a', [-1, -1], [1, 2], [3]],
    ['p', 'p', 1, [1, 1], [1]],
  ] as const)('Dot(%s, %s) on axes %j: axes %j counted from the batch axis, output %j as tfjs has it, round-trips', (first, second, axes, resolved, shape) => {
    for (const normalize of [false, true]) {
      const original = oneDot(first, second, axes as number | [number, number], normalize);
      expect(original.outputs[0].shape.slice(1)).toEqual(shape);
      const ir = fromLayersModel(original);
      expect(ir.layers.at(-1)!.config).toEqual({ kind: 'dot', axes: resolved, normalize });
      expect(validateModel(ir).outputShape).toEqual(shape);
      const x = tf.randomUniform([2, 3, 5], -1, 1, 'float32', 11);
      expectClose(predictions(toLayersModel(ir, tf), x), predictions(original, x));
    }
  });

  it('computes products of the same input twice: a Gram matrix, and cosine similarities with normalize', () => {
    const input = tf.input({ shape: [2, 3] });
    const make = (normalize: boolean) => fromLayersModel(tf.model({ inputs: input, outputs: apply(tf.layers.dot({ axes: 2, normalize }), [input, input]) }));
    const x = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]);
    expect(make(false).layers[0].inputs).toEqual([input.sourceLayer.name, input.sourceLayer.name]);
    expect(Array.from(predictions(toLayersModel(make(false), tf), x))).toEqual([14, 32, 32, 77]);
    const cosine = 32 / Math.sqrt(14 * 77);
    const got = predictions(toLayersModel(make(true), tf), x);
    [1, cosine, cosine, 1].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  it('carries no mask past a Dot, as tfjs (its computeMask returns none, though it supports masking)', () => {
    const layer = tf.layers.dot({ axes: 2 });
    expect([layer.supportsMasking, layer.computeMask([tf.ones([1, 2, 3]), tf.ones([1, 2, 3])], [tf.ones([1, 2]), tf.ones([1, 2])])]).toEqual([true, null]);
    expect(maskRole(layer)).toEqual({ kind: 'drop' });
  });

  it('refuses by name what it cannot run: the batch axis, other ranks, summed axes of different extents', () => {
    const batchAxis = thrownError(() => fromLayersModel(oneDot('p', 'p', 0, false)));
    expect([batchAxis.code, batchAxis.tensor]).toEqual(['UNSUPPORTED_LAYER', 'dot']);
    expect(batchAxis.message).toContain('batch axis');
    expect(batchAxis.hint).toContain('Dot');
    // tfjs's own check compares extents only for a single axis; given as a list they are not checked.
    const extents = thrownError(() => fromLayersModel(oneDot('a', 'b', [-1, -2], false)));
    expect([extents.code, extents.message]).toEqual(['UNSUPPORTED_LAYER', '[UNSUPPORTED_LAYER] layer "dot" (Dot): axes [-1,-2]: the summed axes differ in extent (4 and 3)']);
    // tfjs builds no Dot on inputs of rank 4; a hand-made config says why the IR has none either.
    const rank4 = thrownError(() => convertConfig('dot', 'Dot', { axes: -1, normalize: false, inputShapes: [[2, 3, 4], [2, 3, 4]] }));
    expect([rank4.code, rank4.message]).toEqual(['UNSUPPORTED_LAYER', '[UNSUPPORTED_LAYER] layer "dot" (Dot): input 1 has rank 4 ([batch, 2, 3, 4]): only inputs of rank 2 and 3 with the batch axis ([batch, d], [batch, t, d]) are supported']);
    expect(thrownError(() => convertConfig('dot', 'Dot', { axes: [1, 2, 1], inputShapes: [[3], [3]] })).message).toContain('one integer or two');
    expect(thrownError(() => convertConfig('dot', 'Dot', { axes: 3, inputShapes: [[3, 4], [3, 4]] })).message).toContain('input 1 has no axis 3');
  });
});
