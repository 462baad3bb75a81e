import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, exactInFloat16, graphTensorValues } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { addInputMoments, biasLinks, compressGraphModel, compressWeight, dcmGraphModelHandler, decodeGraphModel, encodeGraphModel, feedbackBlockSize, feedbackInputs, inputRows, loadGraphModelArtifacts, measureErrorFeedback, type BiasLink, type ConvGeometry, type GraphModelSource, type InputMomentSums } from './index.js';
import { DEFAULT_FEEDBACK_DAMPING, feedbackBlocks, prepareErrorFeedback } from '@dc/quantize';
import { convGeometry, tfjsPadding, tfjsRuns } from './conv-geometry.test-support.js';
import { writeFixture } from './testing/fixture.js';

const CONV = 'model/conv/weights';
const FC = 'model/fc/weights';
let source: GraphModelSource;
let original: tf.GraphModel;

/** Random inputs shifted positive, correlated across channels (as neighbouring pixels and channels of photographs are). */
function inputs(seed: number, n: number): tf.Tensor[][] {
  const rnd = createRandom(seed);
  return Array.from({ length: n }, () => {
    const base = Float32Array.from({ length: 2 * 8 * 8 }, () => rnd.next());
    return [tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => 0.5 + base[Math.floor(i / 3)] + 0.2 * rnd.next()), [2, 8, 8, 3])];
  });
}

const weightOf = (name: string) => source.tensors.find((t) => t.name === name)!;

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  source = await loadGraphModelArtifacts(await writeFixture());
  original = await tf.loadGraphModel(tf.io.fromMemory(source.artifacts));
});

afterAll(() => original.dispose());

describe('inputRows', () => {
  const geometry = convGeometry(3, 2, 1);

  it("are the patches tfjs's conv2d reads: each row times a filter is that output, for any strides, dilations and padding", () => {
    fc.assert(
      fc.property(geometry, fc.integer({ min: 4, max: 7 }), fc.integer({ min: 4, max: 7 }), fc.integer({ min: 1, max: 1000 }), (g: ConvGeometry, height, width, seed) => {
        fc.pre(tfjsRuns(g, height, width));
        const rnd = createRandom(seed);
        const [samples, cin] = [2, 3];
        const x = Float32Array.from({ length: samples * height * width * cin }, () => rnd.next());
        const w = Float32Array.from({ length: g.kernel[0] * g.kernel[1] * cin }, () => rnd.next() - 0.5);
        const expected = tf.tidy(() => tf.conv2d(tf.tensor4d(x, [samples, height, width, cin]), tf.tensor4d(w, [...g.kernel, cin, 1]), [...g.strides], tfjsPadding(g) as 'same', 'NHWC', [...g.dilations]).dataSync());
        const link: BiasLink = { weight: 'w', bias: 'b', input: 'x', op: 'conv2d', geometry: g };
        const { rows, count, inputs: d } = inputRows(x, [samples, height, width, cin], link, 1 << 20);
        expect(count).toBe(expected.length);
        for (let r = 0; r < count; r++) {
          let y = 0;
          for (let k = 0; k < d; k++) y += rows[r * d + k] * w[k];
          expect(y).toBeCloseTo(expected[r], 4);
        }
      }),
      { numRuns: 100, seed: 23 },
    );
  });

  it('takes evenly spaced rows when there are more than asked for', () => {
    const link: BiasLink = { weight: 'w', bias: 'b', input: 'x', op: 'matmul' };
    const x = Float32Array.from({ length: 10 * 2 }, (_, i) => i);
    const { rows, count } = inputRows(x, [10, 2], link, 4);
    expect(count).toBe(4);
    expect([...rows]).toEqual([0, 1, 6, 7, 12, 13, 18, 19]);
  });
});

describe('error feedback', () => {
  it("is the moments of the op's input rows, damped by inputs / rows more (the fc layer sees one row per sample), centered when asked", async () => {
    const batches = inputs(5, 3);
    const shapes = new Map(source.tensors.map((t) => [t.name, t.shape]));
    const links = biasLinks(source, new Set([CONV, FC]));
    for (const centered of [false, true]) {
      const feedback = await measureErrorFeedback(original, links, shapes, batches, { centered });
      expect([...feedback.keys()].sort()).toEqual([CONV, FC].sort());
      expect(feedback.get(CONV)!.inputs).toBe(3 * 3 * 3);
      // The fc input: 16 channels, one row per sample, 6 rows in all.
      const rows: number[][] = [];
      for (const [x] of batches) {
        const y = original.execute(x, 'model/flatten/Reshape') as tf.Tensor;
        rows.push(...(y.arraySync() as number[][]));
        y.dispose();
      }
      const d = 16;
      const mean = Array.from({ length: d }, (_, i) => rows.reduce((a, r) => a + r[i], 0) / rows.length);
      const moments = new Float64Array(d * d).map((_, k) => rows.reduce((a, r) => a + r[Math.floor(k / d)] * r[k % d], 0) / rows.length - (centered ? mean[Math.floor(k / d)] * mean[k % d] : 0));
      const expected = prepareErrorFeedback(moments, d, DEFAULT_FEEDBACK_DAMPING + d / rows.length);
      const got = feedback.get(FC)!.factor;
      expected.factor.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 3));
    }
    tf.dispose(batches.flat());
  });

  it("writes exactly what compressWeight gives with it, records it, and moves the op's output on other inputs less than plain rounding", async () => {
    const calibration = inputs(5, 6);
    const test = inputs(9, 2);
    const shapes = new Map(source.tensors.map((t) => [t.name, t.shape]));
    const feedback = await measureErrorFeedback(original, biasLinks(source, new Set([CONV])), shapes, calibration);
    const allocation = { [CONV]: { sparsity: 0.3, bits: 3 } };
    const fed = compressGraphModel(source, allocation, { errorFeedback: feedback });
    const expected = compressWeight(weightOf(CONV).values as Float32Array, allocation[CONV], { feedback: feedback.get(CONV)! });
    const bytes = encodeGraphModel(fed).bytes;
    expect(graphTensorValues(decodeGraphModel(bytes).tensors.find((t) => t.name === CONV)!)).toEqual(expected.values);
    expect(fed.stages.at(-1)!.options).toMatchObject({ errorFeedback: 1 });
    // The same pruned positions: feedback moves values, never the mask.
    const plain = compressWeight(weightOf(CONV).values as Float32Array, allocation[CONV]);
    expect(expected.values.map((v) => (v === 0 ? 0 : 1))).toEqual(plain.values.map((v) => (v === 0 ? 0 : 1)));
    // Pruned but float: the kept weights take the feedback, and stay float16 as the manifest gave them (2 bytes each).
    const prunedFloat = compressWeight(weightOf(CONV).values as Float32Array, { sparsity: 0.5, bits: null }, { feedback: feedback.get(CONV)! });
    expect(exactInFloat16(weightOf(CONV).values as Float32Array)).toBe(true);
    expect(exactInFloat16(prunedFloat.values)).toBe(true);
    expect(prunedFloat.error).toBeGreaterThan(0);

    const convError = async (bytes: Uint8Array) => {
      const model = await tf.loadGraphModel(dcmGraphModelHandler(bytes));
      let e = 0;
      for (const [x] of test) {
        const y = (await (original.execute(x, 'model/conv/BiasAdd') as tf.Tensor).data()) as Float32Array;
        const z = (await (model.execute(x, 'model/conv/BiasAdd') as tf.Tensor).data()) as Float32Array;
        for (let i = 0; i < y.length; i++) e += (z[i] - y[i]) ** 2;
      }
      model.dispose();
      return e;
    };
    const withFeedback = await convError(bytes);
    const without = await convError(encodeGraphModel(compressGraphModel(source, allocation)).bytes);
    expect(withFeedback).toBeLessThan(0.7 * without);
    tf.dispose([...calibration.flat(), ...test.flat()]);
  });

  it('keeps only the diagonal blocks of H for an op wider than maxInputs, within the memory of H of maxInputs inputs', async () => {
    expect([feedbackBlockSize(2048), feedbackBlockSize(2049), feedbackBlockSize(4608), feedbackBlockSize(25_088), feedbackBlockSize(27, 10)]).toEqual([2048, 1025, 768, 167, 3]);
    for (const [inputs, max] of [[2049, 2048], [4608, 2048], [25_088, 2048], [27, 10]]) {
      const blocks = feedbackBlocks(inputs, feedbackBlockSize(inputs, max));
      expect(blocks.reduce((a, b) => a + b.size * b.size, 0)).toBeLessThanOrEqual(max * max);
    }
    // The blocks are the whole H's diagonal blocks, batch after batch merged alike.
    const batches = inputs(5, 3);
    const link = biasLinks(source, new Set([CONV]))[0];
    const d = feedbackInputs(link, weightOf(CONV).shape);
    const whole: InputMomentSums = new Map();
    const blocked: InputMomentSums = new Map();
    for (const [x] of batches) {
      const patches = original.execute(x, link.input) as tf.Tensor;
      await addInputMoments(tf, whole, link, d, patches);
      await addInputMoments(tf, blocked, link, d, patches, undefined, 10);
      if (patches !== x) patches.dispose();
    }
    const w = whole.get(CONV)!;
    const b = blocked.get(CONV)!;
    expect([w.blockSize, b.blockSize, b.rows]).toEqual([27, 3, w.rows]);
    expect(b.mean).toEqual(w.mean);
    for (const { start, size, offset } of feedbackBlocks(d, 3)) {
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) expect(b.scatter[offset + i * size + j]).toBeCloseTo(w.scatter[(start + i) * d + start + j], 3);
    }
    // Measured so, the conv's feedback is blocked, and still moves its output on other inputs less than plain rounding.
    const feedback = await measureErrorFeedback(original, biasLinks(source, new Set([CONV])), new Map(source.tensors.map((t) => [t.name, t.shape])), batches, { maxInputs: 10 });
    expect(feedback.get(CONV)).toMatchObject({ inputs: 27, blockSize: 3 });
    const allocation = { [CONV]: { sparsity: 0, bits: 3 } };
    const values = weightOf(CONV).values as Float32Array;
    const test = inputs(9, 2);
    const convError = async (coded: Float32Array) => {
      let e = 0;
      for (const [x] of test) {
        const patches = original.execute(x, link.input) as tf.Tensor;
        const { rows, count } = inputRows((await patches.data()) as Float32Array, patches.shape, link, 4096);
        if (patches !== x) patches.dispose();
        const outputs = values.length / d;
        for (let r = 0; r < count; r++) for (let o = 0; o < outputs; o++) {
          let y = 0;
          for (let i = 0; i < d; i++) y += rows[r * d + i] * (coded[i * outputs + o] - values[i * outputs + o]);
          e += y * y;
        }
      }
      return e;
    };
    const fed = compressWeight(values, allocation[CONV], { feedback: feedback.get(CONV)! }).values;
    expect(await convError(fed)).toBeLessThan(await convError(compressWeight(values, allocation[CONV]).values));
    tf.dispose([...batches.flat(), ...test.flat()]);
  });
});
