import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { JITTER_DRAWS, jitteredDraws, readInputBatches } from './calibration.js';

describe('jitteredDraws', () => {
  it('lays out the draws one after another, each batch jittered once per draw in order', () => {
    let calls = 0;
    const out = jitteredDraws(['a', 'b', 'c'], (b) => `${b}${calls++}`);
    expect(out).toEqual(['a0', 'b1', 'c2', 'a3', 'b4', 'c5', 'a6', 'b7', 'c8', 'a9', 'b10', 'c11']);
    expect(out).toHaveLength(3 * JITTER_DRAWS);
    expect(jitteredDraws([1, 2], (b) => -b, 2)).toEqual([-1, -2, -1, -2]);
    expect(jitteredDraws([1, 2], (b) => b, 0)).toEqual([]);
  });
});

describe('readInputBatches with a pixel scale per channel', () => {
  it('scales a .npy along the input\'s channel axis (second for [n, 3, h, w]); a count that is not the array\'s free channels is INVALID_OPTION', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'dc-npy-channels-'));
    const raw = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    writeFileSync(join(dir, 'nchw.npy'), Buffer.from(dump(raw, [2, 3, 2, 2])));
    const pixels = { scale: [1, 10, 100], offset: [0, -1, -2] };
    const { batches } = await readInputBatches(tf, join(dir, 'nchw.npy'), { name: 'x', shape: [-1, 3, 2, 2], dtype: 'float32' }, { pixels });
    const got = batches[0].dataSync();
    raw.forEach((v, i) => {
      const c = Math.floor(i / 4) % 3;
      expect(got[i]).toBe(Math.fround(v * pixels.scale[c] + pixels.offset[c]));
    });
    tf.dispose(batches);
    // A free channel axis takes the array's count: 3 channels here, so 2 values are refused.
    writeFileSync(join(dir, 'nhwc.npy'), Buffer.from(dump(raw, [2, 2, 2, 3])));
    await expect(readInputBatches(tf, join(dir, 'nhwc.npy'), { name: 'x', shape: [-1, 2, 2, -1], dtype: 'float32' }, { pixels: { scale: [1, 2], offset: [0, 0] } })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
