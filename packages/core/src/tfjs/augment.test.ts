import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError } from '../errors/dc-error.js';
import { createRandom } from '../random.js';
import { syntheticImageSet, tinyDenseModel } from '../testing/fixtures.js';
import { translateImage } from './augment.js';
import { resolveObjective } from './objective.js';
import { createTfjsTrainer } from './trainer.js';
import { batchSource } from './training-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The reference shift, pixel by pixel: out(y, x) = img(y − dy, x − dx), 0 outside. */
function shifted(img: Float32Array, h: number, w: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sy = y - dy;
      const sx = x - dx;
      out[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? img[sy * w + sx] : 0;
    }
  }
  return out;
}

const train = syntheticImageSet(64, 1); // 8×8 images, every pixel > 0
const evaluation = syntheticImageSet(64, 2);
const image = (k: number) => train.images.slice(k * 64, (k + 1) * 64);

/** One epoch of raw batch pixels from the trainer's batch source. */
async function epochPixels(seed: number, translate: number, flip = false): Promise<{ pixels: Float32Array[]; labels: number[] }> {
  const model = tinyDenseModel(1);
  const objective = resolveObjective(model, { loss: 'sparseCategoricalCrossentropy' });
  const source = batchSource(tf, train, model.inputShape, objective, 'training data', flip ? { translate, flip } : { translate });
  const pixels: Float32Array[] = [];
  const labels: number[] = [];
  for await (const { xs, ys } of source.epoch(16, createRandom(seed))) {
    const data = xs.dataSync() as Float32Array;
    for (let i = 0; i < xs.shape[0]; i++) pixels.push(data.slice(i * 64, (i + 1) * 64));
    labels.push(...ys.dataSync());
    tf.dispose([xs, ys]);
  }
  return { pixels, labels };
}

describe('augment: { translate } (random shifts of training images)', () => {
  it('translateImage moves every pixel exactly (dx, dy) and fills the uncovered border with 0', () => {
    const img = image(3);
    for (const [dx, dy] of [[0, 0], [2, 0], [-2, 1], [1, -2], [-1, -1], [7, 3], [-8, 0]]) {
      const out = new Float32Array(64);
      translateImage(img, 0, out, 0, 8, 8, dx, dy);
      expect(out).toEqual(shifted(img, 8, 8, dx, dy));
      const zeros = out.filter((v) => v === 0).length;
      expect(zeros).toBe(64 - Math.max(0, 8 - Math.abs(dx)) * Math.max(0, 8 - Math.abs(dy)));
    }
  });

  it('each batch row is one training image shifted by an offset in [-2, 2]², every image once per epoch, offsets varied', async () => {
    const { pixels, labels } = await epochPixels(7, 2);
    expect(pixels).toHaveLength(64);
    const seen = new Set<number>();
    const offsets = new Set<string>();
    pixels.forEach((row, i) => {
      const matches: [number, number, number][] = [];
      for (let k = 0; k < train.count; k++) {
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (row.every((v, p) => v === shifted(image(k), 8, 8, dx, dy)[p])) matches.push([k, dx, dy]);
      }
      expect(matches).toHaveLength(1);
      const [k, dx, dy] = matches[0];
      expect(labels[i]).toBe(train.labels[k]);
      seen.add(k);
      offsets.add(`${dx},${dy}`);
    });
    expect(seen.size).toBe(64);
    expect(offsets.size).toBeGreaterThanOrEqual(15); // of 25: drawn, not fixed
  });

  it('image tensors [n, h, w, c] too: both channels of a row shifted alike, labels kept', async () => {
    const nhwc = new Float32Array(64 * 128);
    for (let i = 0; i < 64 * 64; i++) [nhwc[2 * i], nhwc[2 * i + 1]] = [train.images[i], -train.images[i]];
    const xs = tf.tensor4d(nhwc, [64, 8, 8, 2]);
    const ys = tf.tensor1d(Int32Array.from(train.labels), 'int32');
    const model = { ...tinyDenseModel(1), inputShape: [8, 8, 2] };
    const source = batchSource(tf, { xs, ys }, model.inputShape, resolveObjective(tinyDenseModel(1), { loss: 'sparseCategoricalCrossentropy' }), 'training data', { translate: 2 });
    let rows = 0;
    for await (const batch of source.epoch(16, createRandom(4))) {
      const data = batch.xs.dataSync();
      const labels = batch.ys.dataSync();
      for (let i = 0; i < batch.xs.shape[0]; i++, rows++) {
        const c0 = Float32Array.from({ length: 64 }, (_, p) => data[i * 128 + 2 * p]);
        const c1 = Float32Array.from({ length: 64 }, (_, p) => data[i * 128 + 2 * p + 1]);
        expect(c1).toEqual(c0.map((v) => (v === 0 ? 0 : -v)));
        const k = Array.from({ length: 64 }, (_, j) => j).find((j) => [-2, -1, 0, 1, 2].some((dy) => [-2, -1, 0, 1, 2].some((dx) => shifted(image(j), 8, 8, dx, dy).every((v, p) => v === c0[p]))));
        expect(k).toBeDefined();
        expect(labels[i]).toBe(train.labels[k!]);
      }
      tf.dispose([batch.xs, batch.ys]);
    }
    expect(rows).toBe(64);
    tf.dispose([xs, ys]);
  });

  it('flip: each row is its image or its mirror image (left to right), about half mirrored, the same under a seed; with a translation, the shifted image mirrored', async () => {
    const mirrored = (img: Float32Array) => Float32Array.from({ length: 64 }, (_, p) => img[Math.floor(p / 8) * 8 + (7 - (p % 8))]);
    const a = await epochPixels(5, 0, true);
    expect(await epochPixels(5, 0, true)).toEqual(a);
    let flips = 0;
    a.pixels.forEach((row, i) => {
      const k = Array.from({ length: 64 }, (_, j) => j).find((j) => train.labels[j] === a.labels[i] && (row.every((v, p) => v === image(j)[p]) || row.every((v, p) => v === mirrored(image(j))[p])));
      expect(k).toBeDefined();
      if (!row.every((v, p) => v === image(k!)[p])) flips++;
    });
    expect(flips).toBeGreaterThan(16);
    expect(flips).toBeLessThan(48);
    // Shifted, then mirrored.
    const both = await epochPixels(6, 2, true);
    both.pixels.forEach((row) => {
      const found = Array.from({ length: 64 }, (_, j) => j).some((j) => [-2, -1, 0, 1, 2].some((dy) => [-2, -1, 0, 1, 2].some((dx) => {
        const s = shifted(image(j), 8, 8, dx, dy);
        return s.every((v, p) => v === row[p]) || mirrored(s).every((v, p) => v === row[p]);
      })));
      expect(found).toBe(true);
    });
  });

  it('the same seed gives the same batches; another seed other shifts; translate 0 is a plain copy', async () => {
    const a = await epochPixels(7, 2);
    expect(await epochPixels(7, 2)).toEqual(a);
    expect((await epochPixels(8, 2)).pixels).not.toEqual(a.pixels);
    const plain = await epochPixels(7, 0);
    plain.pixels.forEach((row) => expect(Array.from({ length: 64 }, (_, k) => k).some((k) => row.every((v, p) => v === train.images[k * 64 + p]))).toBe(true));
  });

  it('trains reproducibly under a seed, differently from plain training, and never touches evaluation data', async () => {
    const run = async (augment?: { translate: number }, seed = 3) => {
      const trainer = createTfjsTrainer({ tf, train, evaluation, batchSize: 16, seed, ...(augment ? { augment } : {}) });
      const { model } = await trainer.fineTune(tinyDenseModel(2), { epochs: 2, learningRate: 0.01 });
      return { kernel: model.layers[0].params.kernel!.values, evaluation: await trainer.evaluate(model), plainEvaluation: await createTfjsTrainer({ tf, train, evaluation }).evaluate(model) };
    };
    const a = await run({ translate: 2 });
    expect((await run({ translate: 2 })).kernel).toEqual(a.kernel);
    expect((await run()).kernel).not.toEqual(a.kernel);
    expect(a.evaluation).toEqual(a.plainEvaluation); // evaluate() sees the held-out images unchanged
  });

  it('data-parallel (threads: 2): the workers train on the augmented rows (one thread\'s steps to float32 rounding)', async () => {
    const run = async (threads: number, augment?: { translate: number }) => {
      const trainer = createTfjsTrainer({ tf, train, evaluation, batchSize: 16, seed: 5, threads, ...(augment ? { augment } : {}) });
      return (await trainer.fineTune(tinyDenseModel(2), { epochs: 1, learningRate: 0.01 })).model.layers[0].params.kernel!.values;
    };
    const one = await run(1, { translate: 2 });
    const two = await run(2, { translate: 2 });
    const plain = await run(2);
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(maxDiff(two, one)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff(plain, one)).toBeGreaterThan(1e-3);
  });

  it('rejects bad values and non-image data with INVALID_OPTION and a hint', async () => {
    const xs = tf.tensor2d(train.images, [64, 64]);
    const ys = tf.tensor1d(Int32Array.from(train.labels), 'int32');
    const bad = [
      { train, augment: { translate: -1 }, option: 'augment.translate', message: 'must be an integer ≥ 0, got -1' },
      { train, augment: { translate: 1.5 }, option: 'augment.translate', message: 'must be an integer ≥ 0, got 1.5' },
      { train, augment: { translate: 8 }, option: 'augment.translate', message: 'translate 8 shifts 8×8 images out of the frame' },
      { train, augment: { rotate: 10 }, option: 'augment.rotate', message: 'unknown option (known: translate, flip)' },
      { train, augment: { translate: 0, flip: 'yes' }, option: 'augment.flip', message: 'must be true or false' },
      { train, augment: null, option: 'augment', message: 'must be an object, got null' },
      { train: { xs, ys }, augment: { translate: 2 }, option: 'augment', message: 'needs image training data' },
    ];
    for (const { train: data, augment, option, message } of bad) {
      let error: unknown;
      try {
        createTfjsTrainer({ tf, train: data, evaluation, augment: augment as never });
      } catch (e) {
        error = e;
      }
      if (!isDcError(error)) throw new Error(`expected a DcError for augment ${JSON.stringify(augment)}, got ${String(error)}`);
      expect([error.code, error.option, error.hint]).toEqual(['INVALID_OPTION', option, expect.stringMatching(/translate|augment|mirrors/i)]);
      expect(error.message).toContain(`option "${option}" of stage "dc:trainer": ${message}`);
    }
    tf.dispose([xs, ys]);
  });
});
