import { describe, expect, it } from 'vitest';
import { formatRunGraph, withShownDetections, type OutputStats, type RunGraphResult } from './run-graph.js';

const stats = (name: string, shape: number[]): OutputStats => ({ name, shape, dtype: 'float32', min: 0, max: 1, mean: 0.5, std: 0.1, nonFinite: 0 });

describe('dc run on a detector whose outputs are a list after non-max suppression', () => {
  // Two samples of 8 entries each: scores sorted from the highest down, boxes beside them, a count.
  const scores = Float32Array.of(0.9, 0.8, 0.31, 0.2, 0.1, 0.1, 0.05, 0.01, 0.29, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05, 0.01);
  const boxes = Float32Array.from({ length: 64 }, (_, i) => (i % 4 < 2 ? 0.1 : 0.4));
  const outputs = [{ shape: [2, 8], values: scores }, { shape: [2, 8, 4], values: boxes }, { shape: [2], values: Float32Array.of(8, 8) }];

  it('counts the detections each sample shows (score ≥ 0.3) on the scores output', () => {
    const out = withShownDetections([stats('scores', [2, 8]), stats('boxes', [2, 8, 4]), stats('num', [2])], outputs);
    expect(out.map((o) => o.detectionsShown)).toEqual([[3, 0], undefined, undefined]);
    const r: RunGraphResult = { format: 'graph-model', file: 'fb.dcm', backend: 'cpu', samples: 2, synthetic: false, inputs: [], pixels: null, outputs: out, milliseconds: 5 };
    expect(formatRunGraph(r)).toContain('scores [2, 8] float32: min 0.000, max 1.000, mean 0.5000, std 0.1000; detections shown (score ≥ 0.3) per sample: 3 0');
  });

  it('leaves outputs that are no such list alone (raw per-anchor scores are not sorted)', () => {
    const raw = [{ shape: [2, 8], values: Float32Array.from(scores).reverse() }, outputs[1], outputs[2]];
    expect(withShownDetections([stats('scores', [2, 8]), stats('boxes', [2, 8, 4]), stats('num', [2])], raw).every((o) => o.detectionsShown === undefined)).toBe(true);
  });
});
