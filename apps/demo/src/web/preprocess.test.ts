import { describe, expect, it } from 'vitest';
import { preprocessDrawing } from './preprocess.js';
import { digitInput } from './sample-format.js';
import { readMnistTestSample } from './mnist-sample.js';

/** Bounding box and centre of mass of a 28×28 image. */
function measure(img: Float32Array, size = 28) {
  let x0 = size, y0 = size, x1 = -1, y1 = -1, m = 0, mx = 0, my = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = img[y * size + x];
      if (v > 0) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
      m += v; mx += v * x; my += v * y;
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: mx / m, cy: my / m };
}

function canvas(w: number, h: number, fill: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = fill(x, y);
  return out;
}

describe('preprocessDrawing', () => {
  it('returns undefined for an empty drawing', () => {
    expect(preprocessDrawing(new Float32Array(280 * 280), 280, 280)).toBeUndefined();
  });

  it('scales a tall stroke to 20 px high, keeps its aspect and centres its mass', () => {
    // A 40 × 160 bar in the top-left corner of a 280 × 280 canvas.
    const ink = canvas(280, 280, (x, y) => (x >= 10 && x < 50 && y >= 5 && y < 165 ? 1 : 0));
    const out = preprocessDrawing(ink, 280, 280)!;
    expect(out).toHaveLength(784);
    const m = measure(out);
    expect(m.h).toBe(20);
    expect(m.w).toBe(5);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...out)).toBe(1);
    expect(Math.min(...out)).toBe(0);
  });

  it('gives the same input for the same shape drawn at different sizes and places', () => {
    const ring = (cx: number, cy: number, r: number, t: number) => (x: number, y: number) => (Math.abs(Math.hypot(x + 0.5 - cx, y + 0.5 - cy) - r) < t ? 1 : 0);
    const a = preprocessDrawing(canvas(280, 280, ring(100, 120, 80, 12)), 280, 280)!;
    const b = preprocessDrawing(canvas(280, 280, ring(200, 150, 40, 6)), 280, 280)!;
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(a[i] - b[i]);
    expect(diff / 784).toBeLessThan(0.03);
  });

  it('leaves real MNIST test digits (already preprocessed this way) nearly unchanged', async () => {
    const sample = await readMnistTestSample({ count: 20 });
    let total = 0;
    for (let i = 0; i < sample.count; i++) {
      const img = digitInput(sample, i);
      const out = preprocessDrawing(img, 28, 28, { threshold: 0 })!;
      let diff = 0;
      for (let j = 0; j < 784; j++) diff += Math.abs(out[j] - img[j]);
      total += diff / 784;
    }
    expect(total / sample.count).toBeLessThan(0.01);
  });
});
