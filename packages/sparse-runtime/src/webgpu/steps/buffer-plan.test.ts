import { tinyGraphModel } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { planBuffers } from './buffer-plan.js';

const node = (inputs: number[], outputSize: number, shares = -1) => ({ inputs, outputSize, shares });

/** Checks the pool's invariant: no value's buffer is taken by another value while the first is still read. */
function assertNoClobber(g: Parameters<typeof planBuffers>[0], bufferOf: readonly number[]): void {
  const root = (v: number): number => (v === 0 || g.nodes[v - 1].shares < 0 ? v : root(g.nodes[v - 1].inputs[g.nodes[v - 1].shares]));
  const last = new Map<number, number>();
  g.nodes.forEach((n, i) => n.inputs.forEach((v) => last.set(root(v), i)));
  last.set(root(g.nodes.length), Infinity);
  g.nodes.forEach((n, i) => {
    if (n.shares >= 0) return;
    for (const [v, end] of last) {
      // value v (written before node i) is still needed at or after node i: node i must not write its buffer
      if (v <= i && end >= i) expect(bufferOf[i + 1], `node ${i} overwrites value ${v}`).not.toBe(bufferOf[v]);
    }
  });
}

describe('planBuffers', () => {
  it('ping-pongs a chain between two buffers, grown to the largest value', () => {
    const g = { inputSize: 784, nodes: [node([0], 300), node([1], 100), node([2], 10)] };
    const p = planBuffers(g);
    expect(p.bufferOf).toEqual([0, 1, 0, 1]);
    expect(p.bufferSizes).toEqual([784, 300]);
    expect(p.peakElements).toBe(1084);
    expect(p.unpooledElements).toBe(784 + 300 + 100 + 10);
    assertNoClobber(g, p.bufferOf);
  });

  it('keeps a residual branch alive until the add, and lets aliases share their input\'s buffer', () => {
    // 0 → a(1) → b(2) → c = add(a, b)(3) → flatten(4) → d(5)
    const g = { inputSize: 8, nodes: [node([0], 8), node([1], 8), node([1, 2], 8), node([3], 8, 0), node([4], 2)] };
    const p = planBuffers(g);
    expect(p.bufferOf[4]).toBe(p.bufferOf[3]);
    expect(new Set([p.bufferOf[1], p.bufferOf[2], p.bufferOf[3]]).size).toBe(3);
    expect(p.bufferSizes.length).toBe(3);
    assertNoClobber(g, p.bufferOf);
  });

  it('reuses freed buffers on the tiny graph model (residual add, concatenation of two branches)', () => {
    const m = tinyGraphModel();
    const ids = new Map<string, number>([['image', 0]]);
    m.layers.forEach((l, i) => ids.set(l.name, i + 1));
    const g = {
      inputSize: 300,
      nodes: m.layers.map((l, i) => node((l.inputs ?? [i === 0 ? 'image' : m.layers[i - 1].name]).map((n) => ids.get(n)!), 100)),
    };
    const p = planBuffers(g);
    assertNoClobber(g, p.bufferOf);
    expect(p.bufferSizes.length).toBeLessThanOrEqual(4);
    expect(p.peakElements).toBeLessThan(p.unpooledElements / 2);
  });

  it('lets an element-wise node write over the input it is the last to read', () => {
    // a(1) = f(input); b(2) = relu(a) over a; c(3) = add(b, input) over b
    const g = { inputSize: 8, nodes: [node([0], 8), node([1], 8, 0), node([2, 0], 8, 0)] };
    const p = planBuffers(g);
    expect(p.bufferOf).toEqual([0, 1, 1, 1]);
    expect(p.bufferSizes).toEqual([8, 8]);
    assertNoClobber(g, p.bufferOf);
  });

  it('never frees the output, even when it is the input itself', () => {
    const p = planBuffers({ inputSize: 6, nodes: [node([0], 6, 0)] });
    expect(p.bufferOf).toEqual([0, 0]);
    expect(p.bufferSizes).toEqual([6]);
  });
});
