import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateTfBackend } from '@dc/core/tfjs';
import { channelCounts, compressGraphModel, encodeGraphModel, loadGraphModelArtifacts } from '@dc/graph-model';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { inspectGraphBytes } from './inspect-graph.js';

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
});

describe('dc inspect on a GraphModel file', () => {
  it('gives each clustered weight the bits of its codebook as stored, per-channel scales or not (not the decoded channels × entries)', async () => {
    const source = await loadGraphModelArtifacts(await writeGraphModelFixture());
    const channels = channelCounts(source);
    // conv and fc with per-channel scales (16 and 40 channels), dw without: all 4 bits.
    const allocation = Object.fromEntries([...channels].map(([name, c]) => [name, { sparsity: 0, bits: 4, ...(name === 'model/dw/weights' ? {} : { channels: c }) }]));
    const inspected = inspectGraphBytes('fixture.dcm', encodeGraphModel(compressGraphModel(source, allocation)).bytes);
    const bits = Object.fromEntries(inspected.weights.filter((w) => w.name in allocation).map((w) => [w.name, w.bits]));
    expect(bits).toEqual({ 'model/conv/weights': 4, 'model/dw/weights': 4, 'model/fc/weights': 4 });
    const scaled = inspected.sections.tensors.filter((t) => t.streams.some((s) => s.role === 'scales')).map((t) => t.key);
    expect(scaled).toEqual(['model/conv/weights', 'model/fc/weights']);
    expect(inspected.weights.find((w) => w.name === 'model/conv/bias')?.bits).toBeNull();
  });
});
