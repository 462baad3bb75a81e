import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readLabelledData } from '../data/labelled-data.js';
import { dc } from '../run-dc.test-support.js';
import { savedConvNet } from './conv-fixture.test-support.js';

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
    const r = await dc('compress', modelJson, '--data', photos, '-o', out, '--sparsity', '0.5', '--bits', '4', '--cluster-epochs', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.preprocessing).toMatchObject({ source: 'bytes', recorded: { scale: [1 / 255], offset: [0] } });
    expect(result.fileRun.samples).toBe(20);
    const run = JSON.parse((await dc('run', out, '--data', photos, '--json')).stdout);
    expect(run.samples).toBe(20);
    expect(run.testError).toBe(result.testError);
    expect(result.baselineTestError).toBe(0);
    expect(result.testError).toBe(0);
    const train = JSON.parse((await dc('run', out, '--data', photos, '--split', 'train', '--json')).stdout);
    expect(train.samples).toBe(60);
  }, 120_000);

  it('dc compress --no-retrain calibrates on train/ and tests on test/ of the same folder', async () => {
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', photos, '--test-data', photos, '-o', join(dir, 'calibrated.dcm'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.calibrationSamples).toBe(60);
    expect(result.testSamples).toBe(20);
  }, 120_000);

  it("gives a model that starts with Keras' Rescaling(1/255) the photographs' bytes, records scale 1, and runs the file on them", async () => {
    const train = await readLabelledData({ data: photos, split: 'train' }, [16, 16, 3], 6, { scale: [1], offset: [0] });
    const [xs, ys] = [tf.tensor4d(train.inputs, [train.count, 16, 16, 3]), tf.tensor1d(train.labels!, 'float32')];
    const rescaled = await savedConvNet(join(dir, 'rescaled'), { xs, ys, epochs: 10 }, 1 / 255);
    tf.dispose([xs, ys]);
    const out = join(dir, 'rescaled.dcm');
    const r = await dc('compress', rescaled, '--data', photos, '-o', out, '--sparsity', '0.5', '--bits', '4', '--cluster-epochs', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.preprocessing).toMatchObject({ source: 'rescaling', recorded: { scale: [1], offset: [0] } });
    expect([result.baselineTestError, result.testError]).toEqual([0, 0]);
    const inspect = await dc('inspect', out);
    expect(inspect.stdout).toMatch(/rescaling\s+rescale/);
    const run = JSON.parse((await dc('run', out, '--data', photos, '--json')).stdout);
    expect([run.samples, run.testError]).toEqual([20, 0]);
    // Post-training too: the calibration photographs go in as bytes.
    const calibrated = JSON.parse((await dc('compress', rescaled, '--no-retrain', '--calibration', photos, '--test-data', photos, '-o', join(dir, 'rescaled-calibrated.dcm'), '--json')).stdout);
    expect(calibrated.testFidelity.outputs[0].top1Agreement).toBe(1);
  }, 180_000);
});
