import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readLabelledData, type LabelledData } from '../data/labelled-data.js';
import { dc, dcJson } from '../run-dc.test-support.js';
import { fileHandler } from '@dc/core/tfjs';
import { onWasm, savedConvNet, savedModel } from './conv-fixture.test-support.js';

/** `n` 20×20 PNGs of colour `rgb` with seeded noise (±30 per channel). */
function noisy(dir: string, n: number, rgb: readonly number[], seed: number): void {
  mkdirSync(dir, { recursive: true });
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < n; k++) {
    const png = new PNG({ width: 20, height: 20 });
    for (let i = 0; i < 400; i++) png.data.set([...rgb.map((v) => Math.round(Math.min(255, Math.max(0, v + 60 * (rand() - 0.5))))), 255], i * 4);
    writeFileSync(join(dir, `p${k}.png`), PNG.sync.write(png));
  }
}

/**
 * A Teachable Machine-style model (a Sequential of a backbone Sequential and a head Sequential),
 * trained on `train` on the active backend and saved in `dir`.
 */
async function savedTeachable(dir: string, train: LabelledData): Promise<string> {
  const [xs, ys] = [tf.tensor4d(train.inputs, [train.count, 16, 16, 3]), tf.tensor1d(train.labels!, 'float32')];
  const glorot = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }) });
  const base = tf.sequential({ name: 'sequential_1', layers: [
    tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv_stem', ...glorot(1) }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv_dw', depthwiseInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    tf.layers.globalAveragePooling2d({ name: 'global_pool' }),
  ] });
  const head = tf.sequential({ name: 'sequential_3', layers: [
    tf.layers.dense({ inputShape: [8], units: 100, activation: 'relu', name: 'dense_Dense1', ...glorot(3) }),
    tf.layers.dense({ units: 2, activation: 'softmax', name: 'dense_Dense2', ...glorot(4) }),
  ] });
  const teachable = tf.sequential({ name: 'teachable', layers: [base, head] });
  teachable.compile({ optimizer: tf.train.adam(1e-2), loss: 'sparseCategoricalCrossentropy' });
  await teachable.fit(xs, ys, { epochs: 15, batchSize: 16, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  return savedModel(teachable, dir);
}

describe('dc compress and dc run on photographs in class folders', () => {
  let dir: string;
  let modelJson: string;
  let photos: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-image-folders-'));
    photos = join(dir, 'photos');
    noisy(join(photos, 'train', 'red'), 30, [200, 40, 40], 1);
    noisy(join(photos, 'train', 'blue'), 30, [40, 60, 200], 2);
    noisy(join(photos, 'test', 'red'), 10, [200, 40, 40], 3);
    noisy(join(photos, 'test', 'blue'), 10, [40, 60, 200], 4);
    // The user's model, trained on the training photographs as dc reads them (blue is class 0, red 1).
    const train = await readLabelledData({ data: photos, split: 'train' }, [16, 16, 3], 6, 'auto');
    const [xs, ys] = [tf.tensor4d(train.inputs, [train.count, 16, 16, 3]), tf.tensor1d(train.labels!, 'float32')];
    modelJson = await savedConvNet(join(dir, 'model'), { xs, ys, epochs: 10 });
    tf.dispose([xs, ys]);
  }, 60_000);

  it('retrains on train/, measures the written file on test/ (labels from the folder names, bytes / 255 recorded), and dc run reads the same folders', async () => {
    const out = join(dir, 'photos.dcm');
    const { result } = await dcJson('compress', modelJson, '--data', photos, '-o', out, '--sparsity', '0.5', '--bits', '4', '--cluster-epochs', '1');
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.preprocessing).toMatchObject({ source: 'bytes', recorded: { scale: [1 / 255], offset: [0] } });
    expect(result.fileRun.samples).toBe(20);
    const run = (await dcJson('run', out, '--data', photos)).result;
    expect(run.samples).toBe(20);
    expect(run.testError).toBe(result.testError);
    expect(result.baselineTestError).toBe(0);
    expect(result.testError).toBe(0);
    const train = (await dcJson('run', out, '--data', photos, '--split', 'train')).result;
    expect(train.samples).toBe(60);
  }, 120_000);

  it('dc compress --no-retrain calibrates on train/ and tests on test/ of the same folder', async () => {
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', photos, '--test-data', photos, '-o', join(dir, 'calibrated.dcm'));
    expect(result.calibrationSamples).toBe(60);
    expect(result.testSamples).toBe(20);
    // Train/ and test/ of one folder are different samples: no warning.
    expect(result.warnings).toEqual([]);
  }, 120_000);

  it("gives a model that starts with Keras' Rescaling(1/255) (behind Keras' augmentation layers too) the photographs' bytes, records scale 1, and runs the file on them", async () => {
    const train = await readLabelledData({ data: photos, split: 'train' }, [16, 16, 3], 6, { scale: [1], offset: [0] });
    const [xs, ys] = [tf.tensor4d(train.inputs, [train.count, 16, 16, 3]), tf.tensor1d(train.labels!, 'float32')];
    const rescaled = await savedConvNet(join(dir, 'rescaled'), { xs, ys, epochs: 10 }, 1 / 255);
    tf.dispose([xs, ys]);
    const out = join(dir, 'rescaled.dcm');
    const { result } = await dcJson('compress', rescaled, '--data', photos, '-o', out, '--sparsity', '0.5', '--bits', '4', '--cluster-epochs', '1');
    expect(result.preprocessing).toMatchObject({ source: 'rescaling', recorded: { scale: [1], offset: [0] } });
    expect([result.baselineTestError, result.testError]).toEqual([0, 0]);
    const inspect = await dc('inspect', out);
    expect(inspect.stdout).toMatch(/rescaling\s+rescale/);
    const run = (await dcJson('run', out, '--data', photos)).result;
    expect([run.samples, run.testError]).toEqual([20, 0]);
    // Post-training too: the calibration photographs go in as bytes.
    const calibrated = (await dcJson('compress', rescaled, '--no-retrain', '--calibration', photos, '--test-data', photos, '-o', join(dir, 'rescaled-calibrated.dcm'))).result;
    expect(calibrated.testFidelity.outputs[0].top1Agreement).toBe(1);
    // The same model with Keras' tutorial augmentation in front (RandomFlip, RandomRotation: tfjs has neither): the Rescaling still reads the bytes.
    const json = JSON.parse(readFileSync(rescaled, 'utf8'));
    const layers = json.modelTopology.config.layers;
    const input = layers[0].config.batch_input_shape;
    delete layers[0].config.batch_input_shape;
    layers.unshift({ class_name: 'RandomFlip', config: { name: 'random_flip', batch_input_shape: input, mode: 'horizontal' } }, { class_name: 'RandomRotation', config: { name: 'random_rotation', factor: 0.1 } });
    const augmented = join(dir, 'rescaled', 'augmented.json');
    writeFileSync(augmented, JSON.stringify(json));
    const r2 = await dc('compress', augmented, '--data', photos, '-o', join(dir, 'augmented.dcm'), '--sparsity', '0.5', '--bits', '4', '--cluster-epochs', '1', '--json');
    expect(r2.code, r2.stderr).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ preprocessing: { source: 'rescaling', recorded: { scale: [1], offset: [0] } }, baselineTestError: 0, testError: 0 });
  }, 180_000);

  it('compresses a Teachable Machine-style model (a Sequential of a backbone Sequential and a head Sequential, inputs in [-1, 1]) retrained on the photographs, and dc export gives it back as one flat model.json', async () => {
    const pixels = { scale: [2 / 255], offset: [-1] };
    const train = await readLabelledData({ data: photos, split: 'train' }, [16, 16, 3], 2, pixels);
    const modelJson = await onWasm(() => savedTeachable(join(dir, 'teachable'), train));
    const out = join(dir, 'teachable.dcm');
    const { result } = await dcJson('compress', modelJson, '--data', photos, '--input-scale', String(2 / 255), '--input-offset', '-1', '-o', out, '--sparsity', '0.7', '--bits', '4', '--cluster-epochs', '1');
    expect([result.baselineTestError, result.testError]).toEqual([0, 0]);
    // The nested models' layers are the file's nodes, under their own names.
    const inspect = (await dcJson('inspect', out)).result;
    expect(inspect.nodes.map((n: { name: string }) => n.name)).toEqual(['conv_stem', 'conv_dw', 'global_pool', 'dense_Dense1', 'dense_Dense2']);
    expect(inspect.nodes[3]).toMatchObject({ kind: 'dense', params: 8 * 100 + 100, bits: 4 });
    const exported = (await dcJson('export', out, '-o', join(dir, 'teachable-flat'))).result;
    const flat = await tf.loadLayersModel(fileHandler(exported.modelJson));
    expect(flat.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'GlobalAveragePooling2D', 'Dense', 'Dense']);
    expect(exported.preprocessing).toEqual(pixels);
    flat.dispose();
  }, 180_000);
});
