import { createRandom } from '@dc/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkPixelScale, imageTensor, jitterInput } from './image-inputs.js';

describe('jitterInput', () => {
  const image = { name: 'ramp', width: 16, height: 16, rgb: Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 3) % 256) };

  it('moves every value of a float input by −1, 0 or +1 grey level (1/255), kept in [0, 1], the same from the same seed', async () => {
    await tf.setBackend('cpu');
    const x = imageTensor(tf, image, { name: 'in', shape: [1, 16, 16, 3], dtype: 'float32' });
    const a = jitterInput(tf, x, createRandom(1));
    const [before, after] = [x.dataSync(), a.dataSync()];
    const steps = Array.from(after, (v, i) => Math.round((v - before[i]) * 255));
    expect(new Set(steps)).toEqual(new Set([-1, 0, 1]));
    expect(Array.from(after, (v, i) => Math.abs(v - before[i]) <= 1 / 255 + 1e-7)).not.toContain(false);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...after)).toBeLessThanOrEqual(1);
    expect(a.dtype).toBe('float32');
    expect(jitterInput(tf, x, createRandom(1)).dataSync()).toEqual(after);
    tf.dispose([x, a]);
  });

  it('with a pixel scale, makes byte × scale + offset and moves it by one grey level (the scale), kept in the range of the bytes', async () => {
    await tf.setBackend('cpu');
    const spec = { name: 'in', shape: [1, 16, 16, 3], dtype: 'float32' };
    const pixels = { scale: [2 / 255], offset: [-1] };
    const [plain, signed] = [imageTensor(tf, image, spec), imageTensor(tf, image, spec, 16, pixels)];
    const unit = plain.dataSync();
    const x = signed.dataSync();
    for (const [i, v] of x.entries()) expect(v).toBeCloseTo(2 * unit[i] - 1, 5);
    const a = jitterInput(tf, signed, createRandom(1), pixels);
    const after = a.dataSync();
    const steps = Array.from(after, (v, i) => Math.round((v - x[i]) / (2 / 255)));
    expect(new Set(steps)).toEqual(new Set([-1, 0, 1]));
    expect(Math.min(...after)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...after)).toBeLessThanOrEqual(1 + 1e-6);
    tf.dispose([plain, signed, a]);
  });

  it('refuses a pixel scale for an int32 input (INVALID_OPTION), which takes the bytes as they are', () => {
    expect(() => imageTensor(tf, image, { name: 'in', shape: [1, 16, 16, 3], dtype: 'int32' }, 16, { scale: [1], offset: [0] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('moves an int32 input by whole grey levels, clamped to [0, 255]', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor([0, 255, 128, 0, 255, 7], [1, 1, 2, 3], 'int32');
    const a = jitterInput(tf, x, createRandom(3));
    expect(a.dtype).toBe('int32');
    const [before, after] = [x.dataSync(), a.dataSync()];
    for (const [i, v] of after.entries()) {
      expect(Math.abs(v - before[i])).toBeLessThanOrEqual(1);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(255);
    }
    tf.dispose([x, a]);
  });
});

describe('imageTensor', () => {
  it('gives a one-channel input the BT.601 luma of each pixel (as tf.image.rgbToGrayscale), not the mean of R, G, B', async () => {
    await tf.setBackend('cpu');
    // Pure red, green, blue and white pixels, one row; the input keeps the size, so no resampling mixes them.
    const image = { name: 'rgbw', width: 4, height: 1, rgb: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]) };
    const x = imageTensor(tf, image, { name: 'grey', shape: [-1, 1, 4, 1], dtype: 'float32' });
    expect(x.shape).toEqual([1, 1, 4, 1]);
    const expected = tf.image.rgbToGrayscale(tf.tensor3d(image.rgb, [1, 4, 3], 'float32')).div(255);
    const got = Array.from(x.dataSync());
    for (const [i, v] of Array.from(expected.dataSync()).entries()) expect(got[i]).toBeCloseTo(v, 6);
    expect(got[0]).toBeCloseTo(0.2989, 6);
    expect(got[1]).toBeCloseTo(0.587, 6);
    expect(got[3]).toBeCloseTo(0.9999, 6);
    tf.dispose([x, expected]);
  });
});

describe('per-channel pixel scales (ImageNet mean and standard deviation)', () => {
  const image = { name: 'ramp', width: 4, height: 2, rgb: Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 11) % 256) };
  const pixels = { scale: [1 / (0.229 * 255), 1 / (0.224 * 255), 1 / (0.225 * 255)], offset: [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225] };

  it('scales each colour by its own pair, channels last or first, and jitters each by its own grey level within its own range', async () => {
    await tf.setBackend('cpu');
    const last = imageTensor(tf, image, { name: 'in', shape: [-1, 2, 4, 3], dtype: 'float32' }, 16, pixels);
    const first = imageTensor(tf, image, { name: 'in', shape: [-1, 3, 2, 4], dtype: 'float32' }, 16, pixels);
    const v = last.dataSync();
    for (let i = 0; i < image.rgb.length; i++) expect(v[i]).toBeCloseTo(image.rgb[i] * pixels.scale[i % 3] + pixels.offset[i % 3], 4);
    expect(Array.from(first.dataSync())).toEqual(Array.from(last.transpose([0, 3, 1, 2]).dataSync()));
    const jittered = jitterInput(tf, first, createRandom(2), pixels, 1).dataSync();
    const before = first.dataSync();
    for (let i = 0; i < before.length; i++) {
      const c = Math.floor(i / 8) % 3;
      const step = Math.round((jittered[i] - before[i]) / pixels.scale[c]);
      expect([-1, 0, 1]).toContain(step);
      expect(jittered[i]).toBeGreaterThanOrEqual(pixels.offset[c] - 1e-5);
      expect(jittered[i]).toBeLessThanOrEqual(255 * pixels.scale[c] + pixels.offset[c] + 1e-5);
    }
    tf.dispose([last, first]);
  });

  it('refuses a count that is not the input\'s channels (INVALID_OPTION with a hint), and takes one pair for any input', () => {
    const grey = { name: 'grey', shape: [-1, 64, 64, 1], dtype: 'float32' };
    expect(() => checkPixelScale(grey, pixels)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('has 1 channel(s)'), hint: expect.stringContaining('one number, or 1') }));
    expect(() => checkPixelScale(grey, { scale: [2 / 255], offset: [-1] })).not.toThrow();
    expect(() => checkPixelScale({ name: 'rgb', shape: [-1, 3, 32, 32], dtype: 'float32' }, pixels)).not.toThrow();
    expect(() => checkPixelScale({ name: 'flat', shape: [-1, 784], dtype: 'float32' }, pixels)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // A free channel axis takes a photograph's 3 colours.
    expect(() => imageTensor(tf, image, { name: 'free', shape: [-1, 2, 4, -1], dtype: 'float32' }, 16, { scale: [1, 2], offset: [0, 0] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
