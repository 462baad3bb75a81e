import { createPipeline, isDcError, mapParams, type Stage } from '@dc/core';
import { tinyDenseModel } from '@dc/core/testing';
import { huffmanEncode } from '@dc/huffman';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { describe, expect, it } from 'vitest';
import { clipOutliers } from './clip-outliers.js';

function buildError(build: () => unknown): unknown {
  try {
    build();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('stage order: a file never disagrees with the model', () => {
  it('cluster before prune, then Huffman, is STALE_ARTIFACT when the pipeline is built', () => {
    const e = buildError(() => createPipeline().use(clusterWeights({ bits: 4 })).use(pruneLowMagnitude({ sparsity: 0.8 })).use(huffmanEncode()));
    expect(isDcError(e) && [e.code, e.stage]).toEqual(['STALE_ARTIFACT', 'dc:huffman']);
    expect((e as Error).message).toContain('"quantize/codebooks" from "dc:cluster"');
    expect((e as Error).message).toContain('"dc:prune"');
  });

  it('a third-party stage that declares `changes` is ordered the same way', () => {
    const e = buildError(() => createPipeline().use(pruneLowMagnitude({ sparsity: 0.8 })).use(clusterWeights({ bits: 4 })).use(clipOutliers()).use(huffmanEncode()));
    expect(isDcError(e) && [e.code, e.stage]).toEqual(['STALE_ARTIFACT', 'dc:huffman']);
    // Clipping keeps pruned zeros, so masks from before it stay valid: prune → clip → cluster → encode is fine.
    expect(() => createPipeline().use(pruneLowMagnitude({ sparsity: 0.8 })).use(clipOutliers()).use(clusterWeights({ bits: 4 })).use(huffmanEncode())).not.toThrow();
  });

  it('a stage that moves clustered weights without declaring it fails at run time, by name', async () => {
    const undeclared: Stage<never, never> = {
      name: 'example:jitter',
      options: {},
      requires: [],
      provides: [],
      apply: async ({ model }) => ({ model: mapParams(model, (ref) => ({ shape: ref.tensor.shape, values: ref.tensor.values.map((v) => v * 1.01) })), artifacts: {} }),
    };
    const e = await createPipeline().use(pruneLowMagnitude({ sparsity: 0.8 })).use(clusterWeights({ bits: 4 })).use(undeclared).use(huffmanEncode()).run(tinyDenseModel()).catch((error: unknown) => error);
    expect(isDcError(e) && [e.code, e.stage]).toEqual(['STALE_ARTIFACT', 'example:jitter']);
  });
});
