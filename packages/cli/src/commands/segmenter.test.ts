import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { savedModel, writePngs } from './conv-fixture.test-support.js';

/**
 * A user's small encoder-decoder segmenter: Rescaling, a strided conv, back to the input size by
 * UpSampling2D (or a learned Conv2DTranspose), a sigmoid mask.
 */
async function savedSegmenter(dir: string, filters: number, up: 'upSampling2D' | 'conv2dTranspose' = 'upSampling2D'): Promise<string> {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [16, 16, 3] });
  let x = tf.layers.rescaling({ scale: 1 / 127.5, offset: -1, name: 'rescaling' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'down', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  const upLayer = up === 'upSampling2D' ? tf.layers.upSampling2d({ size: [2, 2], name: 'up' }) : tf.layers.conv2dTranspose({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'up', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) });
  x = upLayer.apply(x) as tf.SymbolicTensor;
  const mask = tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid', name: 'mask', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(x) as tf.SymbolicTensor;
  const lm = tf.model({ inputs: input, outputs: mask, name: 'tiny-segmenter' });
  return savedModel(lm, dir);
}

describe('a segmenter with Rescaling and UpSampling2D, compressed post-training', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-segmenter-'));
    modelJson = await savedSegmenter(join(dir, 'model'), 16);
    writePngs(join(dir, 'calibration'), 6, 11);
    writePngs(join(dir, 'test'), 4, 12);
  }, 60_000);

  it('plans within the mask budget on the photographs as bytes, writes a file that holds both nodes, and dc run --reference agrees', async () => {
    const out = join(dir, 'segmenter.dcm');
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '--test-data', join(dir, 'test'), '--output-kinds', 'mask', '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.plan.kinds).toEqual(['mask']);
    // Its Rescaling scales the photographs itself: they go in as bytes.
    expect(r.stderr).toContain('(images, x = byte × 1 + 0)');
    expect(result.calibrationFidelity.withinBudget).toBe(true);
    expect(result.testSamples).toBe(4);
    const inspect = await dc('inspect', out);
    expect(inspect.stdout).toMatch(/rescaling\s+rescale/);
    expect(inspect.stdout).toMatch(/up\s+upSampling2d/);
    // The file records bytes as given (the model's Rescaling scales them), and dc run --reference applies that record to both.
    const run = await dc('run', out, '--reference', modelJson, '--data', join(dir, 'test'), '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ samples: 4, fidelity: { outputs: [{ kind: 'mask' }] } });
  }, 120_000);

  it('refuses a model with no weight big enough to plan with INVALID_MODEL, and writes nothing', async () => {
    const tiny = await savedSegmenter(join(dir, 'tiny'), 4);
    const out = join(dir, 'tiny.dcm');
    const r = await dc('compress', tiny, '--no-retrain', '--calibration', join(dir, 'calibration'), '--output-kinds', 'mask', '-o', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/INVALID_MODEL: the model has no dense or convolution kernel or embedding table of at least 256 weights/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('compresses the Conv2DTranspose variant post-training: its kernel planned with the others, the file within the mask budget, dc run --reference agrees', async () => {
    const transposed = await savedSegmenter(join(dir, 'transposed'), 16, 'conv2dTranspose');
    const out = join(dir, 'transposed.dcm');
    const { result } = await dcJson('compress', transposed, '--no-retrain', '--calibration', join(dir, 'calibration'), '--output-kinds', 'mask', '-o', out);
    expect(Object.keys(result.plan.allocation)).toContain('up/kernel');
    expect(result.calibrationFidelity.withinBudget).toBe(true);
    expect((await dc('inspect', out)).stdout).toMatch(/up\s+conv2dTranspose/);
    const run = await dc('run', out, '--reference', transposed, '--data', join(dir, 'test'), '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ samples: 4, fidelity: { outputs: [{ kind: 'mask' }] } });
  }, 120_000);
});
