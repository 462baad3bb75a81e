import { createPipeline, decodeContainer, densify } from '@dc/core';
import { tinyDenseModel } from '@dc/core/testing';
import { huffmanEncode } from '@dc/huffman';
import { huffmanDecoder } from '@dc/huffman/decode';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { describe, expect, it } from 'vitest';
import { clipOutliers } from './clip-outliers.js';

describe('a third-party stage between the built-in stages', () => {
  it('prune → clip → cluster → Huffman: clipped, still sparse, written and decoded', async () => {
    const model = tinyDenseModel(11, 128, 64);
    const { artifacts, report, model: out } = await createPipeline()
      .use(pruneLowMagnitude({ sparsity: 0.8 }))
      .use(clipOutliers({ sigmas: 2 }))
      .use(clusterWeights({ bits: 4 }))
      .use(huffmanEncode())
      .run(model, { seed: 3 });

    expect(report.stages.map((s) => s.name)).toEqual(['dc:prune', 'example:clip-outliers', 'dc:cluster', 'dc:huffman']);
    const masks = artifacts['prune/masks']!;
    const ranges = artifacts['example/clip-ranges']!;
    const decoded = decodeContainer(artifacts['encode/file']!.bytes, { decoders: [huffmanDecoder] });
    for (const key of ['fc1/kernel', 'fc2/kernel']) {
      const values = densify(decoded.tensors.get(key)!);
      const mask = masks.get(key)!;
      const { low, high } = ranges.get(key)!;
      for (let i = 0; i < values.length; i++) {
        if (mask[i] === 0) expect(values[i]).toBe(0);
        else {
          // Clustering moves weights only inside the clipped range (centroids are means of clipped values).
          expect(values[i]).toBeGreaterThanOrEqual(low - 1e-6);
          expect(values[i]).toBeLessThanOrEqual(high + 1e-6);
        }
      }
      expect(new Set(values.filter((v) => v !== 0)).size).toBeLessThanOrEqual(16);
      expect(values).toEqual(out.layers.find((l) => `${l.name}/kernel` === key)!.params.kernel!.values);
    }
  });
});
