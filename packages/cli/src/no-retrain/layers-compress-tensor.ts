/**
 * The post-training planner's view of a LayersModel as `dc compress --no-retrain --calibration`
 * writes it, so that what the planner verifies is what the file decodes to: each kernel pruned and
 * clustered exactly as the pipeline's `pruneLowMagnitude` and `clusterWeights` do (magnitude
 * pruning to the sparsity; linear init, sorted 1-D Lloyd, up to 300 iterations, empty clusters
 * dropped), and every parameter as the file stores it (float16 unless `--float32`: centroids,
 * kept floats and biases alike).
 */
import { tensorCompressor, type CompressTensor } from '@dc/allocate';
import { listParams, roundToFloat16, type Model } from '@dc/core';
import type { ErrorFeedback } from '@dc/quantize';

/**
 * {@link CompressTensor} as the LayersModel pipeline clusters (see the module comment), priced as
 * the file stores it: kept floats in 2 bytes and codebook entries in 2 with `float16`, else 4.
 * Forms (scales, float16 rounding) are not offered for layers. The values are those clustered,
 * not rounded: the planner's runs round every parameter as stored ({@link asStored}). Calls on one
 * tensor share its pruning and sorted weights (`@dc/allocate`'s `tensorCompressor`). With
 * `feedback` (one compressor per tensor, then), coded candidates take their codes by error
 * feedback, as `errorFeedbackStage` writes them (layers-error-feedback.ts).
 */
export function layersCompressTensor(float16: boolean, feedback?: ErrorFeedback): CompressTensor {
  // clusterWeights' own Lloyd limit; pruning and clustering are otherwise the planner's default's.
  return tensorCompressor({ maxIterations: 300, floatBits: float16 ? 16 : 32, centroidBytes: float16 ? 2 : 4, ...(feedback ? { feedback } : {}) });
}

/**
 * A function from the weights a planner run changes to every parameter of `model` as the file
 * stores it: with `float16`, each value rounded to float16 (the changed ones and the rest alike),
 * else the changed weights as they are. No change at all is the planner's reference run: the
 * original model, which the file is judged against.
 */
export function asStored(model: Model, float16: boolean): (weights: ReadonlyMap<string, Float32Array>) => ReadonlyMap<string, Float32Array> {
  if (!float16) return (weights) => weights;
  const round = (v: Float32Array) => v.map(roundToFloat16);
  const rounded = new Map(listParams(model).map((r) => [r.key, round(r.tensor.values)]));
  return (weights) => {
    if (weights.size === 0) return weights;
    const out = new Map(rounded);
    for (const [key, values] of weights) out.set(key, round(values));
    return out;
  };
}
