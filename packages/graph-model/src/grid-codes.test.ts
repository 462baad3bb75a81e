import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphTensorValues, INTEGER_RANGE_FORMAT_VERSION, readGraphModelHeader } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { channelCounts, compressGraphModel, compressWeight, decodeGraphModel, encodeGraphModel, GRID_CODES_MIN_BITS, loadGraphModelArtifacts, storesIntegerRanges, type GraphModelSource } from './index.js';
import { writeFixture } from './testing/fixture.js';

let source: GraphModelSource;
const NAME = 'model/fc/weights';

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  source = await loadGraphModelArtifacts(await writeFixture());
});

/** The written file of `NAME` compressed so, its codebook stream's header and its decoded values. */
function written(allocation: { sparsity: number; bits: number; channels?: number }) {
  const compressed = compressGraphModel(source, { [NAME]: allocation });
  const bytes = encodeGraphModel(compressed).bytes;
  const entry = readGraphModelHeader(bytes).tensors.find((t) => t.key === NAME)!;
  const decoded = graphTensorValues(decodeGraphModel(bytes).tensors.find((t) => t.name === NAME)!);
  return { bytes, entry, decoded, reconstructed: compressed.reconstruct().find((t) => t.name === NAME)!.values };
}

describe('uniform-grid codes of fine widths with per-channel scales', () => {
  it(`codes of ${GRID_CODES_MIN_BITS} bits or more with channels are a grid: whole-number centroids, a 4-byte range in a version ${INTEGER_RANGE_FORMAT_VERSION} file that decodes to the reconstruction`, () => {
    const fc = source.tensors.find((t) => t.name === NAME)!;
    const channels = channelCounts(source).get(NAME)!;
    expect(channels).toBe(40);
    for (const bits of [9, 10, 12]) {
      const direct = compressWeight(fc.values as Float32Array, { sparsity: 0.3, bits, channels });
      const centroids = direct.codebook!.centroids;
      centroids.forEach((c, j) => expect(c).toBe(centroids[0] + j));
      expect(Math.max(-centroids[0], centroids.at(-1)!)).toBe(2 ** (bits - 1) - 1);
      const { bytes, entry, decoded, reconstructed } = written({ sparsity: 0.3, bits, channels });
      expect(bytes[8]).toBe(INTEGER_RANGE_FORMAT_VERSION);
      expect(entry.streams.codebook).toMatchObject({ encodings: ['range'], length: 4, count: centroids.length });
      expect(decoded).toEqual(reconstructed);
      expect(decoded).toEqual(direct.values);
    }
  });

  it('codes of 8 bits with channels, and fine codes without, stay k-means: no range, no version 9', () => {
    const channels = channelCounts(source).get(NAME)!;
    for (const allocation of [{ sparsity: 0, bits: 8, channels }, { sparsity: 0, bits: 10 }]) {
      const { bytes, entry, decoded, reconstructed } = written(allocation);
      expect(bytes[8]).toBeLessThan(INTEGER_RANGE_FORMAT_VERSION);
      expect(entry.streams.codebook!.encodings).toEqual(['raw']);
      expect(decoded).toEqual(reconstructed);
    }
  });

  it("a GraphModel's file stores integer ranges; a LayersModel's kept as given does not", () => {
    expect(storesIntegerRanges(source)).toBe(true);
    expect(storesIntegerRanges({ artifacts: { ...source.artifacts, format: 'layers-model' } })).toBe(false);
  });
});
