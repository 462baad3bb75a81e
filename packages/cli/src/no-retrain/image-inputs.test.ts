import { createRandom } from '@dc/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { imageTensor, inputScaling, jitterInput, pixelScaleOfRecord } from './image-inputs.js';

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
    const pixels = { scale: 2 / 255, offset: -1 };
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
    expect(() => imageTensor(tf, image, { name: 'in', shape: [1, 16, 16, 3], dtype: 'int32' }, 16, { scale: 1, offset: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
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

describe('pixelScaleOfRecord', () => {
  it("takes a file's one scale and offset (one per channel, all equal) for photographs", () => {
    expect(pixelScaleOfRecord('m.dcm', { scale: [2 / 255], offset: [-1] })).toEqual({ scale: 2 / 255, offset: -1 });
    expect(pixelScaleOfRecord('m.dcm', { scale: [0.5, 0.5, 0.5], offset: [1, 1, 1] })).toEqual({ scale: 0.5, offset: 1 });
  });

  it('reads no record, or scale 1 and offset 0 (float data taken as given), as nothing: photographs stay byte / 255', () => {
    expect(pixelScaleOfRecord('m.dcm', undefined)).toBeUndefined();
    expect(pixelScaleOfRecord('m.dcm', { scale: [1, 1, 1], offset: [0, 0, 0] })).toBeUndefined();
  });

  it('refuses a record whose channels differ (INVALID_OPTION naming the file, with a hint)', () => {
    expect(() => pixelScaleOfRecord('m.dcm', { scale: [1 / 58.4, 1 / 57.1, 1 / 57.4], offset: [-2.1, -2.0, -1.8] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('m.dcm records a different input scale per channel'), hint: expect.stringContaining('--input-scale') }),
    );
  });
});

describe('inputScaling', () => {
  it("takes the flags over the file's record, then the record, and says which", () => {
    const record = { scale: [2 / 255], offset: [-1] };
    expect(inputScaling({ inputScale: 1 }, 'm.dcm', record)).toEqual({ scale: 1, offset: 0, source: 'flags' });
    expect(inputScaling({ inputOffset: 0.5 }, 'm.dcm', record)).toEqual({ scale: 1 / 255, offset: 0.5, source: 'flags' });
    expect(inputScaling({}, 'm.dcm', record)).toEqual({ scale: 2 / 255, offset: -1, source: 'file' });
    expect(inputScaling({}, 'm.dcm', undefined)).toBeUndefined();
  });
});

