import { applyChannelScales, createRandom, densify, type CompressedModel, type CompressedTensor } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../cpu/index.js';
import { createSession } from '../session.js';
import { loadCompressedModel } from './load.js';
import { randomKernel, randomMlp } from '../testing/random-model.js';

/** The MLP with its first kernel replaced by `kernel`. */
function withKernel(cm: CompressedModel, kernel: CompressedTensor): CompressedModel {
  const key = [...cm.tensors.keys()].find((k) => k.endsWith('/kernel'))!;
  return { ...cm, tensors: new Map([...cm.tensors].map(([k, t]) => [k, k === key ? kernel : t])) };
}

async function predict(cm: CompressedModel, x: Float32Array, batch: number): Promise<Float32Array> {
  const s = await createSession(await loadCompressedModel(cm), { backend: createCpuBackend() });
  const y = await s.predict(x, batch);
  s.dispose();
  return y;
}

describe('per-channel-scaled tensors in the runtime (format version 5, expanded by the reader)', () => {
  it('the expanded C·K codebook with 16-bit codes runs unchanged, exactly as its float values do', async () => {
    const r = createRandom(3);
    const cm = randomMlp({ seed: 4, sizes: [24, 40, 3], density: 0.5, bits: 3 });
    const coded = randomKernel(r, { shape: [24, 40], density: 0.6, bits: 3, layout: 'sparse-coded' });
    const scales = Float32Array.from({ length: 40 }, (_, c) => 2 ** ((c % 7) - 3));
    const scaled = applyChannelScales('fc/kernel', coded, scales);
    if (scaled.layout !== 'sparse-coded') throw new Error(scaled.layout);
    expect(scaled.codebook.length).toBe(40 * 8);
    expect(scaled.codes).toBeInstanceOf(Uint16Array);
    const values = densify(scaled);
    const positions = (coded as { positions: Uint32Array }).positions;
    const asFloats: CompressedTensor = { layout: 'sparse', shape: [24, 40], positions, values: Float32Array.from(positions, (p) => values[p]) };
    const x = Float32Array.from({ length: 5 * 24 }, (_, i) => Math.sin(i * 0.7));
    const y = await predict(withKernel(cm, scaled), x, 5);
    expect(Array.from(y)).toEqual(Array.from(await predict(withKernel(cm, asFloats), x, 5)));
    expect(Array.from(y)).not.toEqual(Array.from(await predict(withKernel(cm, coded), x, 5)));
  });
});
