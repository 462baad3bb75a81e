import { describe, expect, it } from 'vitest';
import { CALIBRATION_IMAGES, TEST_IMAGES, calibrationList, photoSource } from './graph-corpus.mjs';

describe('the graph-models benchmark photographs', () => {
  it('keeps calibration and test photographs disjoint, LFW crops among its faces, every one from a known package', () => {
    const all: string[] = [...CALIBRATION_IMAGES, ...TEST_IMAGES];
    expect(new Set(all).size).toBe(all.length);
    const sources = all.map((p) => photoSource(p));
    expect(new Set(sources.map((s) => s.pkg))).toEqual(new Set(['python3-skimage', 'python-matplotlib-data', 'opencv-doc']));
    for (const s of sources.filter((x) => x.index !== undefined)) {
      expect(s.file).toBe('lfw_subset.npy');
      expect(Number.isInteger(s.index) && s.index >= 0 && s.index < 100).toBe(true);
    }
    expect(() => photoSource('flickr/cat.jpg')).toThrow(/unknown photograph/);
  });

  it('takes another calibration list only if it stays apart from the test photographs', () => {
    const more = [...CALIBRATION_IMAGES, 'skimage/lfw_subset.npy#4', 'opencv/baboon.jpg'];
    expect(calibrationList(more)).toEqual(more);
    expect(() => calibrationList([...CALIBRATION_IMAGES, TEST_IMAGES[0]])).toThrow(`${TEST_IMAGES[0]} is a test photograph`);
    expect(() => calibrationList(['opencv/baboon.jpg', 'opencv/baboon.jpg'])).toThrow(/given twice/);
    expect(() => calibrationList(['flickr/cat.jpg'])).toThrow(/unknown photograph/);
    expect(() => calibrationList([])).toThrow(/no photographs/);
  });
});
