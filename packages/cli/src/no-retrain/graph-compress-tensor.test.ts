import { describe, expect, it } from 'vitest';
import { createRandom, readGraphModelHeader } from '@dc/core';
import { compressGraphModel, encodeGraphModel, loadGraphModelArtifacts, type GraphModelSource } from '@dc/graph-model';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { graphCompressTensorWith } from './graph-compress-tensor.js';

/** The fixture with its dense kernel (16 × 40) replaced by `values`. */
async function withKernel(values: Float32Array): Promise<GraphModelSource> {
  const source = await loadGraphModelArtifacts(await writeGraphModelFixture());
  return { ...source, tensors: source.tensors.map((t) => (t.name === 'model/fc/weights' ? { ...t, values } : t)) };
}

/** Bytes the written file spends on the kernel's codes and positions, and its codebook. */
function writtenBytes(source: GraphModelSource, bits: number): { codes: number; codebook: number } {
  const bytes = encodeGraphModel(compressGraphModel(source, { 'model/fc/weights': { sparsity: 0, bits, channels: 40 } })).bytes;
  const { streams } = readGraphModelHeader(bytes).tensors.find((t) => t.key === 'model/fc/weights')!;
  return { codes: streams.codes!.length + (streams.gaps?.length ?? 0), codebook: streams.codebook!.length };
}

describe('graphCompressTensorWith prices codes and codebooks as the file stores them', () => {
  const rnd = createRandom(4);
  const spread = Float32Array.from({ length: 640 }, (_, i) => Math.fround((rnd.next() - 0.5) * (i % 40 < 20 ? 0.2 : 2)));
  // Most weights tiny: a grid codes them 0, and the file stores them as pruned ones.
  const peaked = Float32Array.from({ length: 640 }, () => Math.fround((rnd.next() - 0.5) * (rnd.next() < 0.2 ? 2 : 1e-3)));

  for (const [name, values] of [['spread', spread], ['peaked', peaked]] as const) {
    for (const bits of [6, 8, 10]) {
      it(`a ${name} 640-weight kernel in ${bits}-bit codes: the predicted bytes within 15% of the written codes, positions and codebook`, async () => {
        const source = await withKernel(values);
        const c = graphCompressTensorWith(undefined, source)(values, 0, bits, { channels: 40 });
        const written = writtenBytes(source, bits);
        expect(c.codebookBytes).toBe(written.codebook);
        const density = c.kept / values.length;
        const index = density < 1 ? -Math.log2(density) - ((1 - density) / density) * Math.log2(1 - density) : 0;
        const predicted = (c.kept * (c.codeBits + index)) / 8;
        expect(Math.abs(predicted - written.codes) / written.codes).toBeLessThan(0.15);
      });
    }
  }
});
