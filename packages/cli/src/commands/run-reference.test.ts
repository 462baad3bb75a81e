import { describe, expect, it } from 'vitest';
import { pixelScaleOfRecord } from './run-reference.js';

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
