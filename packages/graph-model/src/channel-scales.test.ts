import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_SCALES_FORMAT_VERSION, graphTensorValues } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { channelCounts, compressGraphModel, dcmGraphModelHandler, decodeGraphModel, encodeGraphModel, graphModelArtifacts, loadGraphModelArtifacts, type GraphModelSource } from './index.js';
import { allocationErrorCode, predictFixture } from './fixture.test-support.js';
import { writeFixture } from './testing/fixture.js';

let source: GraphModelSource;

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  source = await loadGraphModelArtifacts(await writeFixture());
});

const predict = predictFixture;

describe('per-channel scales', () => {
  it('channelCounts: output channels of the consuming op (depthwise: the last two axes)', () => {
    const shapes = new Map(source.tensors.map((t) => [t.name, t.shape]));
    expect(shapes.get('model/dw/weights')).toEqual([3, 3, 16, 1]);
    expect([...channelCounts(source)]).toEqual([
      ['model/conv/weights', 16],
      ['model/dw/weights', 16],
      ['model/fc/weights', 40],
    ]);
  });

  it('a version 5 file whose decode and tf.loadGraphModel predictions (cpu, wasm) equal the in-memory reconstruction exactly', async () => {
    const channels = channelCounts(source);
    const allocation = Object.fromEntries([...channels].map(([name, c], i) => [name, { sparsity: i === 2 ? 0.5 : 0, bits: 4, channels: c }]));
    const compressed = compressGraphModel(source, allocation);
    const bytes = encodeGraphModel(compressed).bytes;
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true)).toBe(CHANNEL_SCALES_FORMAT_VERSION);
    const rebuilt = compressed.reconstruct();
    decodeGraphModel(bytes).tensors.forEach((t, i) => expect(Array.from(graphTensorValues(t))).toEqual(Array.from(rebuilt[i].values)));
    const dw = compressed.weights.find((w) => w.name === 'model/dw/weights')!;
    expect(dw.codebook?.scales).toHaveLength(16);
    for (const backend of ['cpu', 'wasm']) {
      await activateTfBackend(tf, backend);
      const fromFile = await predict(dcmGraphModelHandler(bytes));
      const inMemory = await predict(tf.io.fromMemory(graphModelArtifacts(compressed.record, rebuilt)));
      expect(Array.from(fromFile)).toEqual(Array.from(inMemory));
      expect(Array.from(fromFile)).not.toEqual(Array.from(await predict(tf.io.fromMemory(source.artifacts))));
    }
    await activateTfBackend(tf, 'cpu');
  });

  it('an allocation with channels that are no channel count, or without bits, is INVALID_OPTION', () => {
    const code = (a: object) => allocationErrorCode(source, 'model/conv/weights', a);
    expect(code({ sparsity: 0, bits: 4, channels: 16 })).toBe('no error');
    expect(code({ sparsity: 0, bits: 4, channels: 48 })).toBe('no error'); // [3, 3, 3, 16]: the last two axes
    expect(code({ sparsity: 0, bits: 4, channels: 8 })).toBe('INVALID_OPTION');
    expect(code({ sparsity: 0, bits: null, channels: 16 })).toBe('INVALID_OPTION');
  });
});
