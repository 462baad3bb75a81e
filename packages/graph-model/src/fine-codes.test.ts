import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphTensorValues } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { compressGraphModel, dcmGraphModelHandler, decodeGraphModel, encodeGraphModel, graphModelArtifacts, loadGraphModelArtifacts, type GraphModelSource } from './index.js';
import { predictFixture as predict } from './fixture.test-support.js';
import { writeFixture } from './testing/fixture.js';

let source: GraphModelSource;

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  source = await loadGraphModelArtifacts(await writeFixture());
});

describe('fine codes (more than 8 bits)', () => {
  it('a codebook of more than 256 entries: 16-bit codes that the file decodes, and tf.loadGraphModel runs, exactly as reconstructed', async () => {
    const compressed = compressGraphModel(source, { 'model/fc/weights': { sparsity: 0, bits: 10 }, 'model/conv/weights': { sparsity: 0, bits: 12, channels: 16 } });
    const fc = compressed.weights.find((w) => w.name === 'model/fc/weights')!;
    expect(fc.codebook!.centroids.length).toBeGreaterThan(256);
    expect(fc.codebook!.codes).toBeInstanceOf(Uint16Array);
    const bytes = encodeGraphModel(compressed).bytes;
    const rebuilt = compressed.reconstruct();
    decodeGraphModel(bytes).tensors.forEach((t, i) => expect(Array.from(graphTensorValues(t))).toEqual(Array.from(rebuilt[i].values)));
    const fromFile = await predict(dcmGraphModelHandler(bytes));
    expect(Array.from(fromFile)).toEqual(Array.from(await predict(tf.io.fromMemory(graphModelArtifacts(compressed.record, rebuilt)))));
  });
});
