import { describe, expect, it } from 'vitest';
import { poolBuffers, type BufferSchedule } from './buffer-plan.js';

/** Every two logical buffers alive at the same step get different device buffers. */
function assertNoOverlap(s: BufferSchedule, device: readonly number[]): void {
  const life = new Map<number, [number, number]>();
  for (const logical of new Set(s.bufferOf)) life.set(logical, [logical - 1, Infinity]);
  s.frees.forEach((dying, i) => dying.forEach((b) => (life.get(b)![1] = i)));
  const deviceOfLogical = new Map(s.bufferOf.map((b, v) => [b, device[v]]));
  for (const [a, [oa, la]] of life) {
    for (const [b, [ob, lb]] of life) {
      if (a < b && oa <= lb && ob <= la) expect(deviceOfLogical.get(a), `logical buffers ${a} and ${b} overlap`).not.toBe(deviceOfLogical.get(b));
    }
  }
}

describe('poolBuffers', () => {
  it('ping-pongs a chain between two device buffers, each as large as the largest value it holds', () => {
    const s = { valueSizes: [784, 300, 100, 10], bufferOf: [0, 1, 2, 3], frees: [[0], [1], [2]] };
    const p = poolBuffers(s);
    expect(p.bufferOf).toEqual([0, 1, 0, 1]);
    expect(p.bufferSizes).toEqual([784, 300]);
    expect(p.peakElements).toBe(1084);
    expect(p.unpooledElements).toBe(784 + 300 + 100 + 10);
    assertNoOverlap(s, p.bufferOf);
  });

  it('follows the schedule\'s views and in-place steps: one device buffer per logical buffer', () => {
    // a = f(input); b = relu(a) over a; c = add(b, input) over b; d = flatten(c); e = g(d)
    const s = { valueSizes: [8, 8, 8, 8, 8, 2], bufferOf: [0, 1, 1, 1, 1, 5], frees: [[], [], [0], [], [1]] };
    const p = poolBuffers(s);
    expect(p.bufferOf).toEqual([0, 1, 1, 1, 1, 0]);
    expect(p.bufferSizes).toEqual([8, 8]);
    assertNoOverlap(s, p.bufferOf);
  });

  it('keeps a residual branch alive until its merge and reuses what died', () => {
    // 1 = a(input); 2 = b(1); 3 = c(2); 4 = add(1, 3) (new buffer); 5 = d(4)
    const s = { valueSizes: [50, 40, 40, 40, 40, 10], bufferOf: [0, 1, 2, 3, 4, 5], frees: [[0], [2], [], [1, 3], [4]] };
    const p = poolBuffers(s);
    assertNoOverlap(s, p.bufferOf);
    expect(p.bufferSizes.length).toBe(3);
    expect(p.peakElements).toBeLessThan(p.unpooledElements);
  });

  it('never frees the output, even when it is the input itself', () => {
    const p = poolBuffers({ valueSizes: [6, 6], bufferOf: [0, 0], frees: [[]] });
    expect(p.bufferOf).toEqual([0, 0]);
    expect(p.bufferSizes).toEqual([6]);
  });
});
