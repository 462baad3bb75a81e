/**
 * The `dc:cluster` stage: trained quantization by k-means weight sharing (paper §3). Clusters the
 * kept weights of each dense/conv2d kernel into `2 ** bits` shared values, then (with `epochs > 0`)
 * fine-tunes the shared values with the trainer, and provides the codebooks as `'quantize/codebooks'`.
 */
import { DcError, defineStage, listParams, WEIGHT_PARAMS, mapParams, tensorMetricRow, tensorTotals, type Codebook, type JsonValue, type Model, type Stage, type StageContext, type TensorMetricRow } from '@dc/core';
import { clusterTensor, keptPositions } from './cluster-tensor.js';
import { canonicalCodebook, createCentroidTuner, type MaskedTensor, type TunedTensor } from './fine-tune.js';
import { assertClusterLayerNames, bitsFor, optionsJson, resolveOptions, type ClusterWeightsOptions, type ResolvedClusterOptions } from './options.js';

const NAME = 'dc:cluster';

/**
 * Per-tensor figures in the stage's metrics (`metrics.layers`): core's `TensorMetricRow`
 * (`tensor`, `params`, `kept` = weights clustered, i.e. kept by the mask and nonzero,
 * `keptFraction`, `bits`) and the clustering figures.
 */
export type ClusterLayerMetrics = TensorMetricRow & {
  readonly bits: number;
  /** Centroids in the final codebook (≤ 2 ** bits). */
  readonly clusters: number;
  /** Distinct nonzero values in the final tensor. */
  readonly distinct: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Squared error of clustering, before fine-tuning. */
  readonly sse: number;
  readonly seconds: number;
  /** The final centroids, ascending. */
  readonly centroids: number[];
};

function distinctNonzero(values: Float32Array): number {
  const seen = new Set<number>();
  for (const v of values) if (v !== 0) seen.add(v);
  return seen.size;
}

async function accuracy(ctx: StageContext, o: ResolvedClusterOptions, model: Model): Promise<number | undefined> {
  return o.evaluate && ctx.trainer ? (await ctx.trainer.evaluate(model)).accuracy : undefined;
}

/**
 * Creates the trained-quantization stage. Throws `INVALID_OPTION` (naming the option) for bad
 * options, e.g. bits outside 1..8 or an unknown key. Names in `layerBits` and `exclude` are
 * checked against the model by `checkModel`, which the pipeline runs before its first stage
 * (`UNKNOWN_LAYER`, listing the valid names), and again at the start of `apply`. See
 * {@link ClusterWeightsOptions} for the options and defaults.
 *
 * ```ts
 * createPipeline().use(pruneLowMagnitude()).use(clusterWeights({ bits: { dense: 5 }, epochs: 2 }))
 * ```
 */
export function clusterWeights(options: ClusterWeightsOptions = {}): Stage<never, 'quantize/codebooks'> {
  const o = resolveOptions(options);
  return defineStage<never, 'quantize/codebooks'>({
    name: NAME,
    options: optionsJson(o),
    requires: [],
    provides: ['quantize/codebooks'],
    uses: ['prune/masks'],
    // Weights move onto their centroids; pruned weights stay zero, so masks stay valid.
    changes: ['values'],
    checkModel: (model) => assertClusterLayerNames(model, o),
    async apply({ model, artifacts }, ctx) {
      assertClusterLayerNames(model, o);
      if (o.epochs > 0 && !ctx.trainer) {
        throw new DcError('TRAINER_REQUIRED', `epochs: ${o.epochs} fine-tunes the centroids, which needs a trainer`, { stage: NAME, option: 'epochs' });
      }
      const masks = artifacts['prune/masks'];
      // A tensor with no weight left (pruned whole: a tiny layer at a high sparsity) has nothing
      // to share; it stays exact zeros, and the file stores it without a codebook.
      const targets = listParams(model).flatMap((ref) => {
        const bits = bitsFor(ref, o);
        const mask = WEIGHT_PARAMS.includes(ref.param) ? masks?.get(ref.key) : undefined;
        return bits === undefined || keptPositions(ref.tensor.values, mask).length === 0 ? [] : [{ ref, bits }];
      });
      const accuracyBefore = await accuracy(ctx, o, model);

      const clustered = new Map<string, { values: Float32Array; codebook: Codebook; layer: Omit<ClusterLayerMetrics, 'clusters' | 'distinct' | 'centroids'> }>();
      for (const [i, { ref, bits }] of targets.entries()) {
        ctx.throwIfAborted();
        const t0 = performance.now();
        const mask = WEIGHT_PARAMS.includes(ref.param) ? masks?.get(ref.key) : undefined;
        const r = clusterTensor(ref.tensor.values, mask, { bits, init: o.init, algorithm: o.algorithm, maxIterations: o.maxIterations, emptyClusters: o.emptyClusters }, ctx.random.fork(ref.key));
        const seconds = (performance.now() - t0) / 1000;
        clustered.set(ref.key, {
          values: r.values,
          codebook: r.codebook,
          layer: { ...tensorMetricRow(ref.key, ref.tensor.values.length, r.codebook.positions.length), bits, iterations: r.iterations, converged: r.converged, sse: r.sse, seconds },
        });
        ctx.progress({ label: `cluster ${ref.key}`, current: i + 1, total: targets.length });
      }
      let out = mapParams(model, (ref) => {
        const c = clustered.get(ref.key);
        return c && { shape: [...ref.tensor.shape], values: c.values };
      });
      const codebooks = new Map<string, Codebook>([...clustered].map(([key, c]) => [key, c.codebook]));
      const metrics: Record<string, JsonValue> = {};

      if (o.epochs > 0 && ctx.trainer) {
        const accuracyClustered = await accuracy(ctx, o, out);
        const tuned: TunedTensor[] = targets.map(({ ref }) => ({ key: ref.key, shape: ref.tensor.shape, codebook: codebooks.get(ref.key)! }));
        const masked: MaskedTensor[] = masks
          ? listParams(model).filter((ref) => !clustered.has(ref.key) && masks.has(ref.key)).map((ref) => ({ key: ref.key, mask: masks.get(ref.key)! }))
          : [];
        const tuner = createCentroidTuner(tuned, masked, { learningRate: o.centroidLearningRate, momentum: o.centroidMomentum });
        const t0 = performance.now();
        let trained: Model;
        let epochs;
        try {
          ({ model: trained, epochs } = await ctx.trainer.fineTune(out, {
            epochs: o.epochs,
            learningRate: o.learningRate,
            ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }),
            signal: ctx.signal,
            ...tuner.hooks,
            onProgress: (p) => ctx.progress({ label: `fine-tune centroids, epoch ${p.epoch}/${p.epochs}`, current: p.batch, total: p.batches }),
          }));
        } finally {
          tuner.dispose();
        }
        for (const { ref, bits } of targets) {
          const { positions, codes } = codebooks.get(ref.key)!;
          codebooks.set(ref.key, canonicalCodebook(bits, tuner.centroids(ref.key), positions, codes));
        }
        // Rebuild the clustered tensors from their codebooks, so they are exactly centroid[code].
        out = mapParams(trained, (ref) => {
          const cb = codebooks.get(ref.key);
          const mask = masked.find((m) => m.key === ref.key)?.mask;
          if (!cb && !mask) return undefined;
          const values = new Float32Array(ref.tensor.values.length);
          if (cb) for (let i = 0; i < cb.positions.length; i++) values[cb.positions[i]] = cb.centroids[cb.codes[i]];
          else for (let i = 0; i < values.length; i++) values[i] = mask![i] === 1 ? ref.tensor.values[i] : 0;
          return { shape: [...ref.tensor.shape], values };
        });
        Object.assign(metrics, {
          fineTuneSeconds: (performance.now() - t0) / 1000,
          epochs: epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, seconds: e.seconds })),
          segmentSum: tuner.method ?? null,
          ...(accuracyClustered === undefined ? {} : { accuracyClustered }),
        });
      }

      const finalValues = new Map(listParams(out).map((ref) => [ref.key, ref.tensor.values]));
      const layers: ClusterLayerMetrics[] = [...clustered.values()].map(({ layer }) => {
        const cb = codebooks.get(layer.tensor)!;
        return { ...layer, clusters: cb.centroids.length, distinct: distinctNonzero(finalValues.get(layer.tensor)!), centroids: Array.from(cb.centroids) };
      });
      const accuracyAfter = accuracyBefore === undefined ? undefined : await accuracy(ctx, o, out);
      return {
        model: out,
        artifacts: { 'quantize/codebooks': codebooks },
        metrics: {
          layers,
          total: tensorTotals(layers),
          ...metrics,
          ...(accuracyBefore === undefined ? {} : { accuracyBefore }),
          ...(accuracyAfter === undefined ? {} : { accuracyAfter }),
        },
      };
    },
  });
}
