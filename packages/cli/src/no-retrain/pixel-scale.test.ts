import { describe, expect, it } from 'vitest';
import { formatPixelScale, inputScaling, pixelScaleOf, pixelScaleOfRecord } from './pixel-scale.js';

describe('pixelScaleOf', () => {
  it('takes one number or one per channel; the missing flag takes its default; a single number goes with every channel', () => {
    expect(pixelScaleOf({})).toBeUndefined();
    expect(pixelScaleOf({ inputScale: 2 / 255, inputOffset: -1 })).toEqual({ scale: [2 / 255], offset: [-1] });
    expect(pixelScaleOf({ inputOffset: 0.5 })).toEqual({ scale: [1 / 255], offset: [0.5] });
    expect(pixelScaleOf({ inputOffset: 0.5 }, { scale: 1, offset: 0 })).toEqual({ scale: [1], offset: [0.5] });
    expect(pixelScaleOf({ inputScale: 0.5, inputOffset: [-1, -2, -3] })).toEqual({ scale: [0.5, 0.5, 0.5], offset: [-1, -2, -3] });
    expect(pixelScaleOf({ inputScale: [1, 2, 3] })).toEqual({ scale: [1, 2, 3], offset: [0, 0, 0] });
  });

  it('refuses two lists of different lengths (INVALID_OPTION with an example)', () => {
    expect(() => pixelScaleOf({ inputScale: [1, 2, 3], inputOffset: [0, 0] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', hint: expect.stringContaining('ImageNet') }));
  });
});

describe('pixelScaleOfRecord', () => {
  it("takes a file's record as it is, one pair or one per channel", () => {
    expect(pixelScaleOfRecord({ scale: [2 / 255], offset: [-1] })).toEqual({ scale: [2 / 255], offset: [-1] });
    expect(pixelScaleOfRecord({ scale: [1 / 58.4, 1 / 57.1, 1 / 57.4], offset: [-2.1, -2.0, -1.8] })).toEqual({ scale: [1 / 58.4, 1 / 57.1, 1 / 57.4], offset: [-2.1, -2.0, -1.8] });
  });

  it('reads no record, or scale 1 and offset 0 (float data taken as given), as nothing: photographs stay byte / 255', () => {
    expect(pixelScaleOfRecord(undefined)).toBeUndefined();
    expect(pixelScaleOfRecord({ scale: [1, 1, 1], offset: [0, 0, 0] })).toBeUndefined();
  });
});

describe('inputScaling', () => {
  it("takes the flags over the file's record, then the record, and says which", () => {
    const record = { scale: [2 / 255], offset: [-1] };
    expect(inputScaling({ inputScale: 1 }, record)).toEqual({ scale: [1], offset: [0], source: 'flags' });
    expect(inputScaling({ inputOffset: 0.5 }, record)).toEqual({ scale: [1 / 255], offset: [0.5], source: 'flags' });
    expect(inputScaling({}, record)).toEqual({ scale: [2 / 255], offset: [-1], source: 'file' });
    expect(inputScaling({}, undefined)).toBeUndefined();
  });
});

describe('formatPixelScale', () => {
  it('prints one pair as numbers and per-channel pairs as lists', () => {
    expect(formatPixelScale({ scale: [0.5], offset: [-1] })).toBe('byte × 0.5 + -1');
    expect(formatPixelScale({ scale: [1, 2, 3], offset: [0, 0, 1] })).toBe('byte × [1, 2, 3] + [0, 0, 1]');
  });
});
