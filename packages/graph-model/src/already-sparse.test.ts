import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphTensorValues, readGraphModelHeader } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { compressGraphModel, decodeGraphModel, encodeGraphModel, loadGraphModelArtifacts, type GraphModelSource } from './index.js';
import { writeFixture } from './testing/fixture.js';

let source: GraphModelSource;
const NAME = 'model/fc/weights';

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  const given = await loadGraphModelArtifacts(await writeFixture());
  // An already-pruned model: four of every five weights exactly zero.
  source = { ...given, tensors: given.tensors.map((t) => (t.name === NAME ? { ...t, values: (t.values as Float32Array).map((v, i) => (i % 5 === 0 ? v : 0)) } : t)) };
});

describe('an already-sparse weight', () => {
  it('pruned to less than its own sparsity is stored by its nonzeros, as if left alone', () => {
    const entry = (allocation: Parameters<typeof compressGraphModel>[1]) => {
      const bytes = encodeGraphModel(compressGraphModel(source, allocation)).bytes;
      const t = readGraphModelHeader(bytes).tensors.find((x) => x.key === NAME)!;
      return { t, values: graphTensorValues(decodeGraphModel(bytes).tensors.find((x) => x.name === NAME)!) };
    };
    const kept = entry({});
    const pruned = entry({ [NAME]: { sparsity: 0.5, bits: null } });
    const original = source.tensors.find((t) => t.name === NAME)!.values;
    expect(kept.t.layout).toBe('sparse');
    expect(kept.t.entries).toBe(Array.from(original).filter((v) => v !== 0).length);
    expect(pruned.t).toEqual(kept.t);
    expect(Array.from(pruned.values)).toEqual(Array.from(original));
  });
});
