import { describe, expect, it } from 'vitest';
import { createPipeline, float32Bytes, foldBatchNorm, isDcError } from '@dc/core';
import { huffmanEncode } from '@dc/huffman';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { candidateBytes } from './candidate-bytes.js';
import { fakeAccuracy, mlp, mlpWithBatchNorm } from './plan-fixtures.test-support.js';
import { planAllocation } from './plan-allocation.js';
import { layerBytes } from './size-model.js';

describe('planAllocation', () => {
  it('lands a size target within 5% with the real writer, pruning the insensitive layer harder', async () => {
    const model = mlp();
    const writer = () => huffmanEncode();
    const target = Math.round(float32Bytes(model) / 12);
    const a = await planAllocation(model, { targetBytes: target, evaluate: fakeAccuracy(model), writer });
    expect(Math.abs(a.candidateBytes! - target) / target).toBeLessThan(0.05);
    // The reported bytes are those of writing this very allocation.
    expect(await candidateBytes(model, a.sparsity, a.bits, writer)).toBe(a.candidateBytes);
    expect(a.sparsity.big).toBeGreaterThan(a.sparsity.out);
    expect(a.sensitivity.sparsity.rows.map((r) => r.layer)).toEqual(['big', 'out']);
    expect(a.sensitivity.bits.bits).toEqual([8, 6, 5, 4, 3, 2]);
    expect(a.reasons).toHaveLength(3);
    expect(a.reasons[1]).toMatch(/^big \(4,608 weights\): /);
    expect(a.candidatesWritten).toBeGreaterThan(3);
  });

  it('meets an accuracy budget with the smallest predicted file, and a larger budget gives a smaller file', async () => {
    const model = mlp();
    const evaluate = fakeAccuracy(model);
    const tight = await planAllocation(model, { maxErrorIncrease: 0.002, evaluate });
    const loose = await planAllocation(model, { maxErrorIncrease: 0.02, evaluate });
    expect(tight.predictedErrorIncrease).toBeLessThanOrEqual(0.002);
    expect(loose.predictedErrorIncrease).toBeLessThanOrEqual(0.02);
    expect(loose.predictedErrorIncrease).toBeGreaterThan(tight.predictedErrorIncrease);
    expect(loose.predictedKernelBytes).toBeLessThan(tight.predictedKernelBytes);
    expect(tight.candidateBytes).toBeUndefined();
    // The predicted increase is the sum of the layers' measured one-shot increases.
    const sum = tight.layers.reduce((s, c) => s + c.sparsityIncrease + c.bitsIncrease, 0);
    expect(tight.predictedErrorIncrease).toBeCloseTo(sum, 15);
    // A float16-codebook writer's plan prices each chosen layer's codebook at 2 bytes per entry.
    const half = await planAllocation(model, { maxErrorIncrease: 0.002, evaluate, centroidBytes: 2 });
    for (const c of half.layers) expect(c.predictedBytes).toBeCloseTo(layerBytes(c.params, c.sparsity, c.bits, c.bits, 2 ** c.bits, 2), 9);
  });

  it('writes every size candidate through the stages the run applies between pruning and clustering (afterPruning)', async () => {
    const model = mlpWithBatchNorm();
    const writer = () => huffmanEncode();
    const fold = () => [foldBatchNorm()];
    const sparsity = { big: 0.8, out: 0.5 };
    const bits = { big: 4, out: 5 };
    const run = await createPipeline().use(pruneLowMagnitude({ sparsity, evaluate: false })).use(foldBatchNorm()).use(clusterWeights({ layerBits: bits, evaluate: false })).use(writer()).run(model, { seed: 1 });
    const folded = await candidateBytes(model, sparsity, bits, writer, fold);
    expect(folded).toBe(run.artifacts['encode/file']!.bytes.length);
    // Without the fold the batch norm's four vectors are written too.
    expect(folded).toBeLessThan(await candidateBytes(model, sparsity, bits, writer));
    const a = await planAllocation(model, { targetRatio: 10, evaluate: fakeAccuracy(model), writer, afterPruning: fold });
    expect(await candidateBytes(model, a.sparsity, a.bits, writer, fold)).toBe(a.candidateBytes);
  });

  it('rejects contradictory or incomplete goals', async () => {
    const model = mlp();
    const evaluate = fakeAccuracy(model);
    const both = await planAllocation(model, { targetBytes: 100, targetRatio: 10, evaluate }).catch((e: unknown) => e);
    expect(isDcError(both) && both.code === 'INVALID_OPTION').toBe(true);
    const noWriter = await planAllocation(model, { targetRatio: 10, evaluate }).catch((e: unknown) => e);
    expect(isDcError(noWriter) && noWriter.option === 'writer').toBe(true);
    const badBits = await planAllocation(model, { maxErrorIncrease: 0.01, bitLevels: [9], evaluate }).catch((e: unknown) => e);
    expect(isDcError(badBits) && badBits.option === 'bitLevels').toBe(true);
    const badCodebook = await planAllocation(model, { maxErrorIncrease: 0.01, centroidBytes: 3 as 2, evaluate }).catch((e: unknown) => e);
    expect(isDcError(badCodebook) && badCodebook.option === 'centroidBytes').toBe(true);
  });
});
