/**
 * The post-training planner's view of a LayersModel as `dc compress --no-retrain --calibration`
 * writes it, so that what the planner verifies is what the file decodes to: each kernel pruned and
 * clustered exactly as the pipeline's `pruneLowMagnitude` and `clusterWeights` do (magnitude
 * pruning to the sparsity; linear init, sorted 1-D Lloyd, up to 300 iterations, empty clusters
 * dropped), and every parameter as the file stores it (float16 unless `--float32`: centroids,
 * kept floats and biases alike).
 */
import { entropyBits, type CompressTensor } from '@dc/allocate';
import { createRandom, listParams, roundToFloat16, type Model } from '@dc/core';
import { applyMask, pruneToSparsity } from '@dc/prune';
import { clusterAtWidth, clusterInput, type ClusterInput } from '@dc/quantize';

/**
 * {@link CompressTensor} as the LayersModel pipeline clusters (see the module comment), priced as
 * the file stores it: kept floats in 2 bytes and codebook entries in 2 with `float16`, else 4.
 * Forms (scales, float16 rounding) are not offered for layers. The values are those clustered,
 * not rounded: the planner's runs round every parameter as stored ({@link asStored}).
 */
export function layersCompressTensor(float16: boolean): CompressTensor {
  const floatBytes = float16 ? 2 : 4;
  // The planner asks for one tensor's candidates one after another: calls on the same (unchanged)
  // array at one sparsity share its pruning and sorted kept weights; one tensor's worth is held.
  let last: { values: Float32Array; sparsity: number; mask?: Uint8Array; pruned: Float32Array; kept: number; input?: ClusterInput } | undefined;
  return (values, sparsity, bits) => {
    if (last?.values !== values || last.sparsity !== sparsity) {
      const mask = sparsity > 0 ? pruneToSparsity({ values }, sparsity).mask : undefined;
      const pruned = mask ? applyMask(values, mask) : new Float32Array(values);
      let kept = 0;
      for (let i = 0; i < pruned.length; i++) if (pruned[i] !== 0) kept++;
      last = { values, sparsity, ...(mask ? { mask } : {}), pruned, kept };
    }
    const { mask, pruned, kept } = last;
    if (bits === null) return { values: pruned.slice(), kept, codeBits: 8 * floatBytes, centroids: 0 };
    last.input ??= clusterInput(pruned, mask);
    const c = clusterAtWidth(last.input, { bits, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 300, emptyClusters: 'drop' }, createRandom(1));
    return { values: c.values, kept, codeBits: entropyBits(c.codebook.codes, c.codebook.centroids.length), centroids: c.codebook.centroids.length, centroidBytes: floatBytes };
  };
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
