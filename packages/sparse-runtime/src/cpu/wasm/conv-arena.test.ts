import { createRandom } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { ConvArena, fitsArena, MAX_ARENA_BYTES, type ArenaRegion } from './conv-arena.js';
import { regionLayout } from './placed-kernel.js';
import { randomSpec } from './random-conv.test-support.js';
import { createWasmConv } from './wasm-conv.js';
import { createWasmDepthwise } from './wasm-depthwise.js';
import { createWasmPool } from './wasm-pool.js';

describe("ConvArena (the convolutions' shared WASM memory)", () => {
  it('places regions one after another in one memory and initialises them once, at finalize', () => {
    const arena = new ConvArena();
    const seen: ArenaRegion[] = [];
    arena.reserve(100, (r) => seen.push(r));
    arena.reserve(1000, (r) => seen.push(r));
    expect(seen).toHaveLength(0);
    arena.finalize();
    arena.finalize();
    expect(seen.map((r) => r.base)).toEqual([0, 128]);
    expect(seen[0].memory).toBe(seen[1].memory);
    expect(seen[0].memory.buffer.byteLength).toBeGreaterThanOrEqual(128 + 1024);
    expect(() => arena.reserve(8, () => undefined)).toThrow(/after its arena was finalized/);
  });

  it('starts a new memory past its size limit', () => {
    const arena = new ConvArena(1024);
    const seen: ArenaRegion[] = [];
    for (const bytes of [600, 300, 200, 2000]) arena.reserve(bytes, (r) => seen.push(r));
    arena.finalize();
    expect(seen.map((r) => r.base)).toEqual([0, 640, 0, 0]);
    expect(new Set(seen.map((r) => r.memory)).size).toBe(3);
  });

  it('leaves a kernel whose region passes what one memory holds to TypeScript (no region reserved): sizes past 2 GiB do not wrap', () => {
    const layout = regionLayout();
    layout.take(2 ** 31);
    expect(layout.take(100)).toBe(2 ** 31);
    expect([layout.size, fitsArena(layout.size), fitsArena(MAX_ARENA_BYTES)]).toEqual([2 ** 31 + 128, false, true]);
    // An image of 2048 × 2048 × 4: each WASM kernel's region (16 samples of input) is over 1 GiB.
    const r = createRandom(7);
    const arena = new ConvArena();
    let reserved = 0;
    const reserve = arena.reserve.bind(arena);
    arena.reserve = (bytes, init) => {
      reserved += bytes;
      reserve(bytes, init);
    };
    expect(createWasmConv(randomSpec(r, false, { input: [2048, 2048, 4], filters: 4 }).spec, arena)).toBeNull();
    expect(createWasmDepthwise(randomSpec(r, true, { input: [2048, 2048, 4], channelsInLanes: true }).spec, arena)).toBeNull();
    const pads = { top: 0, left: 0, bottom: 0, right: 0 };
    expect(createWasmPool({ input: [2048, 2048, 4], output: [1024, 1024, 4], kernelSize: [2, 2], strides: [2, 2], dilation: [1, 1], pads }, true, arena)).toBeNull();
    expect(reserved).toBe(0);
  });

  it('chains kernels in place: each reads the view the one before returned, with the results of kernels of their own', () => {
    const r = createRandom(42);
    for (let trial = 0; trial < 8; trial++) {
      const conv = randomSpec(r, false, { filters: 4 * (1 + r.int(5)) }).spec;
      const depthwise = randomSpec(r, true, { channelsInLanes: true, input: conv.output }).spec;
      const pointwise = randomSpec(r, false, { input: depthwise.output, kernel: [1, 1] }).spec;
      const arena = new ConvArena();
      const shared = [createWasmConv(conv, arena)!, createWasmDepthwise(depthwise, arena)!, createWasmConv(pointwise, arena)!];
      const alone = [createWasmConv(conv)!, createWasmDepthwise(depthwise)!, createWasmConv(pointwise)!];
      // 1-3: positions in the lanes; 16: samples in the lanes, the output region returned as is; 21: two groups.
      for (const batch of [1, 3, 16, 21]) {
        let x: Float32Array = Float32Array.from({ length: batch * conv.input[0] * conv.input[1] * conv.input[2] }, () => r.next() - 0.5);
        let y = x;
        const views: Float32Array[] = [];
        for (const [i, kernel] of shared.entries()) {
          views.push((y = kernel.run(y, batch)));
          x = alone[i].run(x, batch);
          expect(Array.from(y), `trial ${trial}, layer ${i}, batch ${batch}`).toEqual(Array.from(x));
        }
        // Up to 16 samples, every layer's output is a view of the one memory.
        if (batch <= 16) expect(new Set(views.map((v) => v.buffer)).size).toBe(1);
      }
    }
  });
});
