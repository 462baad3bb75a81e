import { describe, expect, it } from 'vitest';
import { decodeDigitSample, digitBatch, encodeDigitSample } from './sample-format.js';
import { mnistSampleBytes, readMnistTestSample } from './mnist-sample.js';

describe('digit sample file', () => {
  it('holds the first MNIST test images and labels, byte for byte', async () => {
    const bytes = await mnistSampleBytes({ count: 100 });
    expect(bytes.length).toBe(16 + 100 + 100 * 784);
    const s = decodeDigitSample(bytes);
    expect([s.count, s.rows, s.cols]).toEqual([100, 28, 28]);
    // The first ten MNIST test labels.
    expect([...s.labels.subarray(0, 10)]).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    // The first test image has ink (its "7") and blank corners.
    expect(s.pixels[0]).toBe(0);
    expect(Math.max(...s.pixels.subarray(0, 784))).toBe(255);
    const batch = digitBatch(s, 2);
    expect(batch).toHaveLength(2 * 784);
    expect(batch[0]).toBe(0);
    expect(Math.max(...batch)).toBe(1);
  });

  it('round-trips and rejects bad files', async () => {
    const s = await readMnistTestSample({ count: 3 });
    const bytes = encodeDigitSample(s);
    expect(decodeDigitSample(bytes)).toEqual(s);
    expect(() => decodeDigitSample(bytes.subarray(0, bytes.length - 1))).toThrow(/need/);
    expect(() => decodeDigitSample(new Uint8Array(20))).toThrow(/not a DCDS file/);
    expect(() => encodeDigitSample({ ...s, count: 4 })).toThrow(RangeError);
  });
});
