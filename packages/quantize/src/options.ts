/**
 * Options of {@link clusterWeights} and their validation. Validation happens in the factory, so a
 * bad option fails when the pipeline is built, not minutes into a run.
 */
import { assertOption, type JsonValue, type ParamRef } from '@dc/core';

/** How the initial centroids are placed (paper §3.2; linear was the paper's best). */
export type CentroidInit = 'linear' | 'density' | 'random' | 'kmeans++';

/** Which k-means implementation runs the Lloyd iterations. */
export type ClusterAlgorithm = 'lloyd-1d' | 'ml-kmeans';

/** What happens to a centroid that attracts no weight: dropped, or moved onto a badly fitting weight. */
export type EmptyClusters = 'drop' | 'reseed';

/** Options of {@link clusterWeights}. Every field is optional and plain JSON. */
export interface ClusterWeightsOptions {
  /**
   * Bits per code (the codebook has at most `2 ** bits` centroids). A number applies to every
   * clustered tensor; an object sets it per layer kind. Default `{ conv2d: 8, dense: 5 }` (the paper).
   */
  bits?: number | { conv2d?: number; dense?: number };
  /** Per-layer overrides of `bits`, keyed by layer name (`dense_1`) or parameter key (`dense_1/kernel`, which wins). */
  layerBits?: Record<string, number>;
  /** Layer names or parameter keys left unclustered (they keep float32 values; pruned zeros stay zero). */
  exclude?: string[];
  /** Also cluster biases (default false: biases are few and sensitive, the paper leaves them alone). */
  includeBiases?: boolean;
  /** Centroid initialisation; default `'linear'`. */
  init?: CentroidInit;
  /** k-means implementation; default `'lloyd-1d'` (sorted 1-D Lloyd, exact and far faster than ml-kmeans). */
  algorithm?: ClusterAlgorithm;
  /**
   * Centroids that attract no weight (e.g. linear-init centroids in the gap of a pruned layer):
   * `'drop'` them (default; the codebook may have fewer than `2 ** bits` entries) or `'reseed'`
   * them onto the worst-fitting weights and run Lloyd again, so the whole codebook is used.
   */
  emptyClusters?: EmptyClusters;
  /** Most Lloyd iterations per tensor; default 300 (the 1-D path usually converges exactly well before). */
  maxIterations?: number;
  /** Epochs of centroid fine-tuning (paper eq. 3); 0 skips it. Default 0; above 0 needs `ctx.trainer`. */
  epochs?: number;
  /** Learning rate of the trainer's optimizer (for unclustered parameters such as biases); default 1e-3. */
  learningRate?: number;
  /** Learning rate of the centroid updates; default `learningRate`. */
  centroidLearningRate?: number;
  /** Momentum of the centroid updates (`v = m·v + g; c -= lr·v`); default 0.9. */
  centroidMomentum?: number;
  /** Batch size of fine-tuning; default the trainer's. */
  batchSize?: number;
  /** Evaluate accuracy before and after fine-tuning when a trainer is present; default true. */
  evaluate?: boolean;
}

/** {@link ClusterWeightsOptions} with defaults filled in. */
export interface ResolvedClusterOptions {
  readonly bits: { readonly conv2d: number; readonly dense: number };
  readonly layerBits: Readonly<Record<string, number>>;
  readonly exclude: readonly string[];
  readonly includeBiases: boolean;
  readonly init: CentroidInit;
  readonly algorithm: ClusterAlgorithm;
  readonly emptyClusters: EmptyClusters;
  readonly maxIterations: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly centroidLearningRate: number;
  readonly centroidMomentum: number;
  readonly batchSize?: number;
  readonly evaluate: boolean;
}

const STAGE = 'dc:cluster';
const INITS: readonly CentroidInit[] = ['linear', 'density', 'random', 'kmeans++'];
const ALGORITHMS: readonly ClusterAlgorithm[] = ['lloyd-1d', 'ml-kmeans'];

/** Throws `INVALID_OPTION` naming `option` unless `bits` is an integer in 1..8. */
export function assertBits(bits: unknown, option: string): asserts bits is number {
  assertOption(typeof bits === 'number' && Number.isInteger(bits) && bits >= 1 && bits <= 8, option, `bits must be an integer from 1 to 8, got ${String(bits)}`, STAGE);
}

function positive(value: unknown, option: string, integer = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  assertOption(ok, option, `must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`, STAGE);
}

/** Validates `options` and fills in defaults; throws `INVALID_OPTION` naming the bad option. */
export function resolveOptions(options: ClusterWeightsOptions = {}): ResolvedClusterOptions {
  const { bits = {}, layerBits = {}, exclude = [], init = 'linear', algorithm = 'lloyd-1d' } = options;
  let conv2d = 8;
  let dense = 5;
  if (typeof bits === 'object' && bits !== null) {
    if (bits.conv2d !== undefined) assertBits(bits.conv2d, 'bits.conv2d');
    if (bits.dense !== undefined) assertBits(bits.dense, 'bits.dense');
    conv2d = bits.conv2d ?? conv2d;
    dense = bits.dense ?? dense;
  } else {
    assertBits(bits, 'bits');
    conv2d = dense = bits;
  }
  assertOption(typeof layerBits === 'object' && layerBits !== null && !Array.isArray(layerBits), 'layerBits', 'must be an object of layer name → bits', STAGE);
  for (const [name, b] of Object.entries(layerBits)) assertBits(b, `layerBits.${name}`);
  assertOption(Array.isArray(exclude) && exclude.every((e) => typeof e === 'string'), 'exclude', 'must be an array of layer names or parameter keys', STAGE);
  assertOption(INITS.includes(init), 'init', `must be one of ${INITS.join(', ')}, got ${String(init)}`, STAGE);
  assertOption(ALGORITHMS.includes(algorithm), 'algorithm', `must be one of ${ALGORITHMS.join(', ')}, got ${String(algorithm)}`, STAGE);
  const emptyClusters = options.emptyClusters ?? 'drop';
  assertOption(emptyClusters === 'drop' || emptyClusters === 'reseed', 'emptyClusters', `must be 'drop' or 'reseed', got ${String(emptyClusters)}`, STAGE);
  const maxIterations = options.maxIterations ?? 300;
  positive(maxIterations, 'maxIterations', true);
  const epochs = options.epochs ?? 0;
  assertOption(Number.isInteger(epochs) && epochs >= 0, 'epochs', `must be a non-negative integer, got ${String(epochs)}`, STAGE);
  const learningRate = options.learningRate ?? 1e-3;
  positive(learningRate, 'learningRate');
  const centroidLearningRate = options.centroidLearningRate ?? learningRate;
  positive(centroidLearningRate, 'centroidLearningRate');
  const centroidMomentum = options.centroidMomentum ?? 0.9;
  assertOption(Number.isFinite(centroidMomentum) && centroidMomentum >= 0 && centroidMomentum < 1, 'centroidMomentum', `must be in [0, 1), got ${String(centroidMomentum)}`, STAGE);
  if (options.batchSize !== undefined) positive(options.batchSize, 'batchSize', true);
  return {
    bits: { conv2d, dense },
    layerBits: { ...layerBits },
    exclude: [...exclude],
    includeBiases: options.includeBiases ?? false,
    init,
    algorithm,
    emptyClusters,
    maxIterations,
    epochs,
    learningRate,
    centroidLearningRate,
    centroidMomentum,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    evaluate: options.evaluate ?? true,
  };
}

/** The bits for one parameter, or `undefined` when it is not clustered. */
export function bitsFor(ref: ParamRef, o: ResolvedClusterOptions): number | undefined {
  const { kind } = ref.layer.config;
  if (kind !== 'dense' && kind !== 'conv2d') return undefined;
  if (o.exclude.includes(ref.key) || o.exclude.includes(ref.layer.name)) return undefined;
  if (ref.param === 'bias' && !o.includeBiases) return undefined;
  return o.layerBits[ref.key] ?? o.layerBits[ref.layer.name] ?? o.bits[kind];
}

/** The options as recorded in the report and the file (the resolved values, plain JSON). */
export function optionsJson(o: ResolvedClusterOptions): JsonValue {
  return JSON.parse(JSON.stringify(o)) as JsonValue;
}
