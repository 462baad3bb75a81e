import { readFileSync } from 'node:fs';
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

describe('the graph-models benchmark input ranges', () => {
  it('maps the bytes of every listed float-input corpus model into [-1, 1] or [0, 255], and lists only corpus models', async () => {
    const { INPUT_PIXELS } = await import('./graph-corpus-inputs.mjs');
    const { output } = JSON.parse(readFileSync(new URL('../packages/allocate/figures/graph-models.json', import.meta.url), 'utf8'));
    const dtypes = new Map<string, string>(output.models.map((m: { model: string; input: { dtype: string } }) => [m.model, m.input.dtype]));
    for (const [model, p] of Object.entries(INPUT_PIXELS as Record<string, { scale: number; offset: number }>)) {
      expect(dtypes.get(model), model).toBe('float32');
      const range = [p.offset, 255 * p.scale + p.offset];
      expect([[-1, 1], [0, 255]].some(([lo, hi]) => Math.abs(range[0] - lo) < 1e-9 && Math.abs(range[1] - hi) < 1e-9), `${model}: [${range.join(', ')}]`).toBe(true);
    }
  });
});
