import * as tf from '@tensorflow/tfjs';
import { createPipeline, createRandom, decodeContainer, densify, encodeFile, isDcError, listParams, mapParams, type FineTuneOptions, type Model, type StageContext, type TrainingService } from '@dc/core';
import { runStageContract, tinyConvModel, tinyDenseModel, tinyGraphModel } from '@dc/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterWeights, type ClusterLayerMetrics } from './cluster-weights.js';
import { cpuTrainer, prunedTinyModel, trainedTinyModel } from './test-fixtures.test-support.js';

function distinctNonzero(v: ArrayLike<number>): number {
  return new Set(Array.from(v).filter((x) => x !== 0)).size;
}

function kernels(model: Model): Map<string, Float32Array> {
  return new Map(listParams(model).filter((p) => p.param === 'kernel').map((p) => [p.key, p.tensor.values]));
}

/** Positions where `mask` is 0 and `values` is not: must be empty. */
function zerosBroken(values: Float32Array, mask: Uint8Array): number[] {
  return Array.from(mask.keys()).filter((i) => mask[i] === 0 && values[i] !== 0);
}

function context(trainer?: TrainingService): StageContext {
  return {
    random: createRandom(0),
    stages: [{ name: 'dc:cluster', options: {} }],
    signal: new AbortController().signal,
    reporter: { info: () => {}, warn: () => {} },
    ...(trainer ? { trainer } : {}),
    progress: () => {},
    throwIfAborted: () => {},
  };
}

runStageContract('dc:cluster (no fine-tuning)', () => clusterWeights(), () => ({ model: tinyDenseModel() }));
runStageContract('dc:cluster (conv, k-means++)', () => clusterWeights({ init: 'kmeans++', bits: 3 }), () => ({ model: tinyConvModel() }));
runStageContract(
  'dc:cluster (pruned, fine-tuned)',
  () => clusterWeights({ bits: 3, epochs: 1, learningRate: 0.05 }),
  async () => {
    const { model, masks } = prunedTinyModel();
    return { model, artifacts: { 'prune/masks': masks }, trainer: await cpuTrainer() };
  },
);

describe('clusterWeights stage', () => {
  let trainer: TrainingService;
  beforeAll(async () => {
    trainer = await cpuTrainer();
  });

  it('needs a trainer to fine-tune: TRAINER_REQUIRED naming epochs', async () => {
    const stage = clusterWeights({ epochs: 1 });
    const error = await stage.apply({ model: tinyDenseModel(), artifacts: {} }, context()).catch((e: unknown) => e);
    expect(isDcError(error) && error.code).toBe('TRAINER_REQUIRED');
    expect(isDcError(error) && error.option).toBe('epochs');
    // Without fine-tuning no trainer is needed.
    await expect(clusterWeights().apply({ model: tinyDenseModel(), artifacts: {} }, context())).resolves.toBeDefined();
  });

  it('clusters without training: ≤ 2^bits distinct nonzeros, pruned zeros exact, codebooks consistent', async () => {
    const { model, masks } = prunedTinyModel();
    const { model: out, artifacts } = await createPipeline().use(clusterWeights({ bits: 2 })).run(model, { artifacts: { 'prune/masks': masks } });
    const codebooks = artifacts['quantize/codebooks']!;
    expect([...codebooks.keys()]).toEqual(['fc1/kernel', 'fc2/kernel']);
    for (const [key, values] of kernels(out)) {
      const cb = codebooks.get(key)!;
      expect(distinctNonzero(values)).toBeLessThanOrEqual(4);
      expect(zerosBroken(values, masks.get(key)!)).toEqual([]);
      expect(cb.positions.length).toBe(masks.get(key)!.reduce((a, b) => a + b, 0));
      cb.positions.forEach((p, i) => expect(values[p]).toBe(cb.centroids[cb.codes[i]]));
    }
    // Biases untouched by default.
    expect(out.layers[0].params.bias).toBe(model.layers[0].params.bias);
  });

  it('leaves a kernel pruned whole (a tiny layer at a high sparsity) as exact zeros without a codebook, and the file writes it', async () => {
    const { model, masks } = prunedTinyModel();
    const whole = new Map(masks).set('fc2/kernel', new Uint8Array(masks.get('fc2/kernel')!.length));
    const zeroed = mapParams(model, (ref) => (ref.key === 'fc2/kernel' ? { shape: [...ref.tensor.shape], values: new Float32Array(ref.tensor.values.length) } : undefined));
    const { model: out, artifacts } = await createPipeline().use(clusterWeights({ bits: 2 })).use(encodeFile()).run(zeroed, { artifacts: { 'prune/masks': whole } });
    expect([...artifacts['quantize/codebooks']!.keys()]).toEqual(['fc1/kernel']);
    expect(kernels(out).get('fc2/kernel')!.every((v) => Object.is(v, 0))).toBe(true);
    const decoded = decodeContainer(artifacts['encode/file']!.bytes);
    expect(Array.from(densify(decoded.tensors.get('fc2/kernel')!))).toEqual(new Array(10 * 32).fill(0));
  });

  it('clusters depthwise kernels only when asked (named in layerBits or bits.depthwiseConv2d)', async () => {
    const model = tinyGraphModel();
    const depthwise = model.layers.filter((l) => l.config.kind === 'depthwiseConv2d').map((l) => `${l.name}/kernel`);
    expect(depthwise).toEqual(['dw/kernel', 'down/kernel']);
    const byDefault = await createPipeline().use(clusterWeights({ bits: 3 })).run(model);
    expect(depthwise.filter((k) => byDefault.artifacts['quantize/codebooks']!.has(k))).toEqual([]);
    const named = await createPipeline().use(clusterWeights({ bits: 3, layerBits: { dw: 2 } })).run(model);
    expect(depthwise.filter((k) => named.artifacts['quantize/codebooks']!.has(k))).toEqual(['dw/kernel']);
    expect(distinctNonzero(kernels(named.model).get('dw/kernel')!)).toBeLessThanOrEqual(4);
    const byKind = await createPipeline().use(clusterWeights({ bits: { depthwiseConv2d: 3 } })).run(model);
    for (const key of depthwise) expect(distinctNonzero(kernels(byKind.model).get(key)!)).toBeLessThanOrEqual(8);
  });

  it('fine-tunes the centroids: ≤ 2^bits distinct nonzeros after every step, zeros exact, centroids moved', async () => {
    const { model, masks } = prunedTinyModel();
    const bits = 2;
    const violations: string[] = [];
    let steps = 0;
    // Watch every step through the trainer: the constraint must hold at all times, not just at the end.
    const watching: TrainingService = {
      ...trainer,
      evaluate: (m) => trainer.evaluate(m),
      fineTune: (m, options: FineTuneOptions) =>
        trainer.fineTune(m, {
          ...options,
          constrainWeights(vars, tfjs) {
            options.constrainWeights?.(vars, tfjs);
            steps++;
            for (const [key, mask] of masks) {
              const v = vars[key].dataSync() as Float32Array;
              if (distinctNonzero(v) > 2 ** bits) violations.push(`${key}: ${distinctNonzero(v)} values at step ${steps}`);
              if (zerosBroken(v, mask).length > 0) violations.push(`${key}: pruned weight regrew at step ${steps}`);
            }
          },
        }),
    };
    const clusteredOnly = await createPipeline().use(clusterWeights({ bits })).run(model, { artifacts: { 'prune/masks': masks } });
    const result = await createPipeline()
      .use(clusterWeights({ bits, epochs: 3, learningRate: 0.05, centroidLearningRate: 0.005 }))
      .run(model, { artifacts: { 'prune/masks': masks }, trainer: watching });
    expect(steps).toBe(3 * 8);
    expect(violations).toEqual([]);
    const before = clusteredOnly.artifacts['quantize/codebooks']!;
    const after = result.artifacts['quantize/codebooks']!;
    for (const [key, values] of kernels(result.model)) {
      const cb = after.get(key)!;
      expect(distinctNonzero(values)).toBeLessThanOrEqual(2 ** bits);
      expect(zerosBroken(values, masks.get(key)!)).toEqual([]);
      for (let i = 1; i < cb.centroids.length; i++) expect(cb.centroids[i]).toBeGreaterThan(cb.centroids[i - 1]);
      expect(Array.from(cb.positions)).toEqual(Array.from(before.get(key)!.positions));
      cb.positions.forEach((p, i) => expect(values[p]).toBe(cb.centroids[cb.codes[i]]));
      expect(Array.from(cb.centroids)).not.toEqual(Array.from(before.get(key)!.centroids));
    }
    // Biases trained normally.
    expect(Array.from(result.model.layers[0].params.bias!.values)).not.toEqual(Array.from(model.layers[0].params.bias!.values));
    const metrics = result.report.stages[0].metrics;
    const layers = metrics.layers as unknown as ClusterLayerMetrics[];
    expect(layers.map((l) => [l.tensor, l.bits, l.distinct <= 4, l.centroids.length === l.clusters])).toEqual([
      ['fc1/kernel', 2, true, true],
      ['fc2/kernel', 2, true, true],
    ]);
    // One row shape across stages (core's TensorMetricRow): kept is a count, keptFraction the share.
    for (const l of layers) {
      const cb = after.get(l.tensor)!;
      expect([l.params, l.kept, l.keptFraction]).toEqual([kernels(model).get(l.tensor)!.length, cb.positions.length, cb.positions.length / l.params]);
    }
    expect(metrics.total).toEqual({ params: layers[0].params + layers[1].params, kept: layers[0].kept + layers[1].kept, keptFraction: (layers[0].kept + layers[1].kept) / (layers[0].params + layers[1].params) });
    expect(metrics.accuracyBefore).toBeTypeOf('number');
    expect(metrics.accuracyClustered).toBeTypeOf('number');
    expect(metrics.accuracyAfter).toBeTypeOf('number');
    expect(tf.memory().numTensors).toBeLessThan(200);
  });

  it('keeps pruned zeros of an excluded (unclustered) kernel while it trains', async () => {
    const { model, masks } = prunedTinyModel();
    const { model: out, artifacts } = await createPipeline()
      .use(clusterWeights({ bits: 2, exclude: ['fc2'], epochs: 1, learningRate: 0.05 }))
      .run(model, { artifacts: { 'prune/masks': masks }, trainer, evaluate: false });
    expect([...artifacts['quantize/codebooks']!.keys()]).toEqual(['fc1/kernel']);
    const fc2 = kernels(out).get('fc2/kernel')!;
    expect(zerosBroken(fc2, masks.get('fc2/kernel')!)).toEqual([]);
    expect(Array.from(fc2)).not.toEqual(Array.from(kernels(model).get('fc2/kernel')!));
    expect(distinctNonzero(fc2)).toBeGreaterThan(4);
  });

  it('centroid updates alone (biases frozen) lower the training loss of a trained, pruned, 1-bit model', async () => {
    const { model, masks } = prunedTinyModel(0.3, await trainedTinyModel());
    const frozenBiases: TrainingService = { ...trainer, fineTune: (m, o) => trainer.fineTune(m, { ...o, frozen: ['fc1/bias', 'fc2/bias'] }) };
    const losses = async (centroidLearningRate: number) => {
      const r = await createPipeline()
        .use(clusterWeights({ bits: 1, epochs: 3, learningRate: 0.05, centroidLearningRate }))
        .run(model, { artifacts: { 'prune/masks': masks }, trainer: frozenBiases, evaluate: false });
      return (r.report.stages[0].metrics.epochs as { loss: number }[]).map((e) => e.loss);
    };
    const still = await losses(1e-9);
    const moving = await losses(0.005);
    expect(still[2]).toBeCloseTo(still[0], 4);
    expect(moving[2]).toBeLessThan(still[0] * 0.85);
  });
});
