import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { biasCorrection, biasLinks, compressGraphModel, dcmGraphModelHandler, encodeGraphModel, loadGraphModelArtifacts, patchMeans, type ConvGeometry, type GraphModelSource } from './index.js';
import { convGeometry, tfjsPadding, tfjsRuns } from './conv-geometry.test-support.js';
import { writeFixture } from './testing/fixture.js';

const CONV = 'model/conv/weights';
const FC = 'model/fc/weights';
let source: GraphModelSource;
let original: tf.GraphModel;
let batches: tf.Tensor[][];

/** Random inputs shifted positive, as post-ReLU activations and images are: their mean is far from zero. */
function inputs(seed: number, n: number): tf.Tensor[][] {
  const rnd = createRandom(seed);
  return Array.from({ length: n }, () => [tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 3 }, () => 0.5 + rnd.next()), [2, 8, 8, 3])]);
}

/** The mean over samples and positions of each channel of node `name`'s output, with `model` on `batches`. */
async function channelMeans(model: tf.GraphModel, name: string): Promise<Float64Array> {
  let sums: Float64Array | undefined;
  let count = 0;
  for (const [x] of batches) {
    const y = model.execute(x, name) as tf.Tensor;
    const channels = y.shape.at(-1)!;
    const v = await y.data();
    sums ??= new Float64Array(channels);
    for (let i = 0; i < v.length; i++) sums[i % channels] += v[i];
    count += v.length / channels;
    y.dispose();
  }
  return sums!.map((s) => s / count);
}

/** The fixture compressed (conv and fc weights pruned and clustered hard), written and loaded back with tfjs. */
async function compressedModel(correct: boolean): Promise<tf.GraphModel> {
  const allocation = { [CONV]: { sparsity: 0.6, bits: 2 }, [FC]: { sparsity: 0.6, bits: 2 } };
  const correction = correct ? await biasCorrection(source, original, new Set([CONV, FC]), batches) : undefined;
  const bytes = encodeGraphModel(compressGraphModel(source, allocation, correction ? { biasCorrection: correction } : {})).bytes;
  return tf.loadGraphModel(dcmGraphModelHandler(bytes));
}

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  source = await loadGraphModelArtifacts(await writeFixture());
  original = await tf.loadGraphModel(tf.io.fromMemory(source.artifacts));
  batches = inputs(5, 3);
});

afterAll(() => {
  tf.dispose(batches.flat());
  original.dispose();
});

describe('biasLinks', () => {
  it('links a fused convolution to its fused bias and a matrix product to the BiasAdd after it; a filter without a bias has none', () => {
    const links = biasLinks(source, new Set([CONV, 'model/dw/weights', FC]));
    expect(links).toEqual([
      { weight: CONV, bias: 'model/conv/bias', input: 'input', op: 'conv2d', geometry: { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padding: 'SAME' } },
      { weight: FC, bias: 'model/fc/bias', input: 'model/flatten/Reshape', op: 'matmul' },
    ]);
  });

  it('links only the weights asked for', () => {
    expect(biasLinks(source, new Set([FC])).map((l) => l.weight)).toEqual([FC]);
  });
});

describe('bias correction', () => {
  it("keeps each corrected op's mean output per channel on the calibration inputs; without it the means move", async () => {
    // The conv output is measured in a model where only the conv changed: the fc input depends on it.
    const plain = await compressedModel(false);
    const corrected = await compressedModel(true);
    const before = await channelMeans(original, 'model/conv/BiasAdd');
    const moved = await channelMeans(plain, 'model/conv/BiasAdd');
    const kept = await channelMeans(corrected, 'model/conv/BiasAdd');
    const largest = (a: Float64Array, b: Float64Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(largest(moved, before)).toBeGreaterThan(0.05);
    expect(largest(kept, before)).toBeLessThan(1e-5);
    plain.dispose();
    corrected.dispose();
  });

  it('writes the corrected biases and records how many in the provenance; a bias the allocation names is compressed instead', async () => {
    const correction = await biasCorrection(source, original, new Set([CONV, FC]), batches);
    const c = compressGraphModel(source, { [CONV]: { sparsity: 0.6, bits: 2 } }, { biasCorrection: correction });
    const bias = (m: typeof c, name: string) => m.weights.find((w) => w.name === name)!.values;
    expect(bias(c, 'model/conv/bias')).not.toEqual(source.tensors.find((t) => t.name === 'model/conv/bias')!.values);
    // The fc weight is not compressed: its bias stays exactly as given.
    expect(bias(c, 'model/fc/bias')).toEqual(source.tensors.find((t) => t.name === 'model/fc/bias')!.values);
    expect(c.stages.at(-1)!.options).toMatchObject({ biasesCorrected: 1 });
    const both = compressGraphModel(source, { [CONV]: { sparsity: 0.6, bits: 2 }, 'model/conv/bias': { sparsity: 0, bits: null, float16: true } }, { biasCorrection: correction });
    expect(both.stages.at(-1)!.options).toMatchObject({ biasesCorrected: 0 });
  });

  it('moves the model output less than the same compression without it (fixture, relative L2 of the softmax)', async () => {
    const test = inputs(9, 2);
    const err = async (m: tf.GraphModel) => {
      let e = 0;
      let r = 0;
      for (const [x] of test) {
        const y = (await (original.execute(x) as tf.Tensor).data()) as Float32Array;
        const z = (await (m.execute(x) as tf.Tensor).data()) as Float32Array;
        for (let i = 0; i < y.length; i++) {
          e += (z[i] - y[i]) ** 2;
          r += y[i] ** 2;
        }
      }
      return Math.sqrt(e / r);
    };
    const plain = await compressedModel(false);
    const corrected = await compressedModel(true);
    expect(await err(corrected)).toBeLessThan(0.5 * (await err(plain)));
    tf.dispose(test.flat());
  });
});

describe('patchMeans', () => {
  const geometry = convGeometry(4, 3, 2);

  it("gives Σ ΔW·M equal to the mean output of tfjs's conv2d with ΔW, for any strides, dilations and padding", () => {
    fc.assert(
      fc.property(geometry, fc.integer({ min: 5, max: 9 }), fc.integer({ min: 5, max: 9 }), fc.integer({ min: 1, max: 1000 }), (g: ConvGeometry, height, width, seed) => {
        fc.pre(tfjsRuns(g, height, width));
        const rnd = createRandom(seed);
        const [samples, cin, cout] = [2, 3, 2];
        const x = Float32Array.from({ length: samples * height * width * cin }, () => rnd.next());
        const dw = Float32Array.from({ length: g.kernel[0] * g.kernel[1] * cin * cout }, () => rnd.next() - 0.5);
        const expected = tf.tidy(() => {
          const y = tf.conv2d(tf.tensor4d(x, [samples, height, width, cin]), tf.tensor4d(dw, [...g.kernel, cin, cout]), [...g.strides], tfjsPadding(g) as 'same', 'NHWC', [...g.dilations]);
          return y.size === 0 ? new Float32Array(cout) : (y.mean([0, 1, 2]).dataSync() as Float32Array);
        });
        const sums = new Float64Array(height * width * cin);
        for (let i = 0; i < x.length; i++) sums[i % sums.length] += x[i];
        const m = patchMeans(sums, height, width, cin, samples, g);
        const shift = new Float64Array(cout);
        for (let i = 0; i < dw.length; i++) shift[i % cout] += dw[i] * m[Math.floor(i / cout)];
        for (let o = 0; o < cout; o++) expect(shift[o]).toBeCloseTo(expected[o], 4);
      }),
      { numRuns: 150, seed: 17 },
    );
  });
});
