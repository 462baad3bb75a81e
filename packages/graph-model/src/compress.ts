/**
 * Post-training Deep Compression of a GraphModel's weights, tensor by tensor, without retraining:
 * magnitude pruning (`@dc/prune`) then k-means weight sharing (`@dc/quantize`, sorted 1-D Lloyd
 * from a linear init, as the paper recommends) under a given {@link GraphAllocation}.
 */
import type { GraphModelRecord, GraphModelWeight, StageProvenance } from '@dc/core';
import type { ErrorFeedback } from '@dc/quantize';
import { checkAllocation, type GraphAllocation, type TensorAllocation } from './allocation.js';
import type { BiasCorrection } from './bias-correction.js';
import { graphModelRecord, type GraphModelSource, type GraphModelSourceTensor } from './source.js';
import { compressWeight, positiveZeros } from './weight-compressor.js';

/** The stage name recorded in a file's provenance. */
export const GRAPH_COMPRESS_STAGE = 'dc:graph-compress';

/** Options of {@link compressGraphModel}. */
export interface CompressGraphModelOptions {
  /** Seed of the clustering's random source (the linear init draws none: kept for other inits); default 1. */
  readonly seed?: number;
  /** Lloyd iterations at most per weight; default 300. */
  readonly maxIterations?: number;
  /** Stages recorded before this one in the file's provenance (e.g. the planner that chose the allocation). */
  readonly stages?: readonly StageProvenance[];
  /**
   * Corrects the bias of each compressed weight's op for the mean shift the compression causes
   * (`biasCorrection`); the corrected biases are stored as float32 weights. Biases the allocation
   * itself names are compressed, not corrected.
   */
  readonly biasCorrection?: BiasCorrection;
  /**
   * Per weight name, its op's input moments for error-feedback rounding (`measureErrorFeedback`):
   * such a weight is pruned and coded for its op's output (see {@link compressWeight}).
   */
  readonly errorFeedback?: ReadonlyMap<string, ErrorFeedback>;
}

/** What compression did to one weight. */
export interface TensorCompression {
  readonly name: string;
  readonly elements: number;
  /** Elements left nonzero. */
  readonly kept: number;
  /** Distinct shared values of its codebook, or null when not clustered. */
  readonly centroids: number | null;
  /** Its allocation, or null when stored as it was. */
  readonly allocation: TensorAllocation | null;
}

/** A compressed GraphModel: what a `.dcm` file stores, and the dense weights it decodes to. */
export interface CompressedGraphModel {
  /** The model.json record (topology, signature, metadata) as loaded. */
  readonly record: GraphModelRecord;
  /** Every weight in manifest order, as the file will store it (with codebooks). */
  readonly weights: readonly GraphModelWeight[];
  readonly allocation: GraphAllocation;
  /** Per weight, in manifest order. */
  readonly tensors: readonly TensorCompression[];
  /** The provenance the file will record. */
  readonly stages: readonly StageProvenance[];
  /** The weights exactly as the file decodes them (float32 dense; int32 / bool as stored). */
  reconstruct(): GraphModelSourceTensor[];
}

function count(v: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  return n;
}

function compressTensor(t: GraphModelSourceTensor, a: TensorAllocation | undefined, options: CompressGraphModelOptions): { weight: GraphModelWeight; stats: TensorCompression } {
  const base = { name: t.name, dtype: t.dtype, shape: t.shape };
  const stats = { name: t.name, elements: t.values.length };
  if (t.dtype !== 'float32') return { weight: { ...base, values: t.values }, stats: { ...stats, kept: count(t.values), centroids: null, allocation: null } };
  if (!a) {
    const values = positiveZeros(t.values as Float32Array);
    return { weight: { ...base, values }, stats: { ...stats, kept: count(values), centroids: null, allocation: null } };
  }
  const feedback = options.errorFeedback?.get(t.name);
  const c = compressWeight(t.values as Float32Array, a, { ...options, ...(feedback ? { feedback } : {}) });
  return { weight: { ...base, values: c.values, ...(c.codebook ? { codebook: c.codebook } : {}) }, stats: { ...stats, kept: count(c.values), centroids: c.codebook ? c.codebook.centroids.length : null, allocation: a } };
}

/** A short, JSON record of an allocation for the provenance: each distinct setting and how many weights had it. */
type AllocationGroup = { sparsity: number; bits: number | null; scaled?: true; float16?: true; tensors: number };
function allocationSummary(allocation: GraphAllocation): AllocationGroup[] {
  const groups = new Map<string, AllocationGroup>();
  for (const a of Object.values(allocation)) {
    const key = `${a.sparsity}/${a.bits}/${a.channels !== undefined}/${a.float16 === true}`;
    const g = groups.get(key);
    groups.set(key, { sparsity: a.sparsity, bits: a.bits, ...(a.channels === undefined ? {} : { scaled: true as const }), ...(a.float16 ? { float16: true as const } : {}), tensors: (g?.tensors ?? 0) + 1 });
  }
  return [...groups.values()];
}

/**
 * Compresses the weights of `source` as `allocation` says (weights it does not name are kept
 * exactly, -0 stored as +0): each named float32 weight loses its `sparsity` fraction of smallest
 * magnitudes to exact zeros, then, when `bits` is set, its kept values share at most `2^bits`
 * k-means centroids. No retraining, no data needed. An allocation naming an unknown or non-float
 * weight, or out of range, is `INVALID_OPTION` before any work.
 */
export function compressGraphModel(source: GraphModelSource, allocation: GraphAllocation, options: CompressGraphModelOptions = {}): CompressedGraphModel {
  checkAllocation(allocation, source.tensors);
  const done = source.tensors.map((t) => compressTensor(t, Object.hasOwn(allocation, t.name) ? allocation[t.name] : undefined, options));
  const corrected = options.biasCorrection?.apply(new Map(done.filter((d) => d.stats.allocation).map((d) => [d.weight.name, d.weight.values as Float32Array]))) ?? new Map<string, Float32Array>();
  let biasesCorrected = 0;
  const weights = done.map(({ weight }) => {
    if (Object.hasOwn(allocation, weight.name) || !corrected.has(weight.name)) return weight;
    biasesCorrected++;
    return { ...weight, values: positiveZeros(corrected.get(weight.name)!) };
  });
  const correction = options.biasCorrection ? { biasesCorrected } : {};
  // Weights rounded with feedback: those it was given for that the allocation changes.
  const changes = (a: TensorAllocation) => a.bits !== null || a.sparsity > 0 || a.float16 === true;
  const fed = options.errorFeedback ? { errorFeedback: Object.entries(allocation).filter(([n, a]) => options.errorFeedback!.has(n) && changes(a)).length } : {};
  const stage: StageProvenance = { name: GRAPH_COMPRESS_STAGE, options: { allocation: allocationSummary(allocation), seed: options.seed ?? 1, maxIterations: options.maxIterations ?? 300, ...correction, ...fed } };
  return {
    record: graphModelRecord(source.artifacts),
    weights,
    allocation,
    tensors: done.map((d) => d.stats),
    stages: [...(options.stages ?? []), stage],
    reconstruct: () => weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype, values: w.values.slice() })),
  };
}
