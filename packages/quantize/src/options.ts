/**
 * Options of {@link clusterWeights} and their validation with core's `optionChecks`. Validation
 * happens in the factory, so a bad option fails when the pipeline is built, not minutes into a
 * run; layer names are checked against the model before the pipeline's first stage.
 */
import { assertLayerNames, layerReferences, optionChecks, type JsonValue, type Layer, type Model, type OptionChecks, type OptionKeys, type ParamRef } from '@dc/core';
import type { CentroidFormat, ClusterTensorOptions } from './cluster-tensor.js';
import type { GridCodesOptions } from './grid-codes.js';

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
   * dense and conv2d kernel and embedding table; an object sets it per layer kind. Default
   * `{ conv2d: 8, dense: 5 }` (the paper); a transposed convolution takes the conv2d bits, a
   * recurrent layer's kernel and recurrent kernel the dense bits, an embedding table the dense
   * bits unless `bits.embedding` is given. Depthwise kernels (few weights, each filter alone on its channel) are clustered
   * only when asked: `bits.depthwiseConv2d`, or the layer named in `layerBits`.
   */
  bits?: number | { conv2d?: number; dense?: number; depthwiseConv2d?: number; embedding?: number };
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
  readonly bits: { readonly conv2d: number; readonly dense: number; readonly depthwiseConv2d?: number; readonly embedding?: number };
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
const KEYS: OptionKeys<ClusterWeightsOptions> = {
  bits: true,
  layerBits: true,
  exclude: true,
  includeBiases: true,
  init: true,
  algorithm: true,
  emptyClusters: true,
  maxIterations: true,
  epochs: true,
  learningRate: true,
  centroidLearningRate: true,
  centroidMomentum: true,
  batchSize: true,
  evaluate: true,
};
type BitsByKind = Exclude<ClusterWeightsOptions['bits'], number | undefined>;
const BITS_KEYS: OptionKeys<BitsByKind> = { conv2d: true, dense: true, depthwiseConv2d: true, embedding: true };

const EMPTY_CLUSTERS: readonly EmptyClusters[] = ['drop', 'reseed'];
const CENTROID_FORMATS: readonly CentroidFormat[] = ['float32', 'float16'];
const TENSOR_KEYS: OptionKeys<ClusterTensorOptions> = { bits: true, init: true, algorithm: true, maxIterations: true, emptyClusters: true, channels: true, centroidFormat: true };
const GRID_KEYS: OptionKeys<GridCodesOptions> = { bits: true, channels: true };

const check: OptionChecks = optionChecks(STAGE, {
  channels: "Pass the product of the tensor's last extents (the output channels of a [.., in, out] kernel), or leave channels out.",
});

/** Throws `INVALID_OPTION` naming `option` unless `bits` is an integer in 1..8 (the stage's codes). */
export function assertBits(bits: unknown, option: string): asserts bits is number {
  check.number(bits, option, { integer: true, min: 1, max: 8 });
}

/** The most bits per code of {@link clusterTensor} (a post-training writer's fine codes; the stage's stop at 8). */
export const MAX_TENSOR_BITS = 12;

/**
 * Validates `options` and fills in defaults; throws `INVALID_OPTION` naming the bad option
 * (unknown keys included). Layer names in `layerBits` and `exclude` are checked against the model
 * by {@link assertClusterLayerNames}.
 */
export function resolveOptions(options: ClusterWeightsOptions = {}): ResolvedClusterOptions {
  check.object<ClusterWeightsOptions>(options, 'options', KEYS);
  const { bits = {}, layerBits = {}, exclude = [], init = 'linear', algorithm = 'lloyd-1d', includeBiases = false, evaluate = true } = options;
  let conv2d = 8;
  let dense = 5;
  if (typeof bits === 'number') {
    assertBits(bits, 'bits');
    conv2d = dense = bits;
  } else {
    check.object<BitsByKind>(bits, 'bits', BITS_KEYS);
    if (bits.conv2d !== undefined) assertBits(bits.conv2d, 'bits.conv2d');
    if (bits.dense !== undefined) assertBits(bits.dense, 'bits.dense');
    if (bits.depthwiseConv2d !== undefined) assertBits(bits.depthwiseConv2d, 'bits.depthwiseConv2d');
    if (bits.embedding !== undefined) assertBits(bits.embedding, 'bits.embedding');
    conv2d = bits.conv2d ?? conv2d;
    dense = bits.dense ?? dense;
  }
  check.record(layerBits, 'layerBits', assertBits, true);
  check.names(exclude, 'exclude', true);
  check.boolean(includeBiases, 'includeBiases');
  check.boolean(evaluate, 'evaluate');
  for (const key of Object.keys(layerBits)) {
    check.that(includeBiases || !key.endsWith('/bias'), `layerBits.${key}`, 'sets bits for a bias, but includeBiases is false (biases are not clustered)');
  }
  check.oneOf(init, 'init', INITS);
  check.oneOf(algorithm, 'algorithm', ALGORITHMS);
  const emptyClusters = options.emptyClusters ?? 'drop';
  check.oneOf(emptyClusters, 'emptyClusters', EMPTY_CLUSTERS);
  const maxIterations = options.maxIterations ?? 300;
  check.number(maxIterations, 'maxIterations', { integer: true, min: 1 });
  const epochs = options.epochs ?? 0;
  check.number(epochs, 'epochs', { integer: true, min: 0 });
  const learningRate = options.learningRate ?? 1e-3;
  check.number(learningRate, 'learningRate', { above: 0 });
  const centroidLearningRate = options.centroidLearningRate ?? learningRate;
  check.number(centroidLearningRate, 'centroidLearningRate', { above: 0 });
  const centroidMomentum = options.centroidMomentum ?? 0.9;
  check.number(centroidMomentum, 'centroidMomentum', { min: 0, below: 1 });
  if (options.batchSize !== undefined) check.number(options.batchSize, 'batchSize', { integer: true, min: 1 });
  return {
    bits: {
      conv2d,
      dense,
      ...(typeof bits === 'object' && bits.depthwiseConv2d !== undefined ? { depthwiseConv2d: bits.depthwiseConv2d } : {}),
      ...(typeof bits === 'object' && bits.embedding !== undefined ? { embedding: bits.embedding } : {}),
    },
    layerBits: { ...layerBits },
    exclude: [...exclude],
    includeBiases,
    init,
    algorithm,
    emptyClusters,
    maxIterations,
    epochs,
    learningRate,
    centroidLearningRate,
    centroidMomentum,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    evaluate,
  };
}

/**
 * Checks the options of {@link clusterTensor} for a tensor of `size` weights: `INVALID_OPTION`
 * naming the option for an unknown key, bits outside 1..12, an unknown `init`, `algorithm` or
 * `emptyClusters`, `maxIterations` below 1, or `channels` that is not a whole divisor of `size`.
 */
export function assertClusterTensorOptions(options: unknown, size: number): asserts options is ClusterTensorOptions {
  check.object<ClusterTensorOptions>(options, 'options', TENSOR_KEYS);
  check.number(options.bits, 'bits', { integer: true, min: 1, max: MAX_TENSOR_BITS });
  check.oneOf(options.init, 'init', INITS);
  check.oneOf(options.algorithm, 'algorithm', ALGORITHMS);
  check.number(options.maxIterations, 'maxIterations', { integer: true, min: 1 });
  if (options.emptyClusters !== undefined) check.oneOf(options.emptyClusters, 'emptyClusters', EMPTY_CLUSTERS);
  if (options.channels !== undefined) assertChannels(options.channels, size);
  if (options.centroidFormat !== undefined) check.oneOf(options.centroidFormat, 'centroidFormat', CENTROID_FORMATS);
}

/** Checks the options of `gridCodes` for a tensor of `size` weights (`INVALID_OPTION`). */
export function assertGridCodesOptions(options: unknown, size: number): asserts options is GridCodesOptions {
  check.object<GridCodesOptions>(options, 'options', GRID_KEYS);
  check.number(options.bits, 'bits', { integer: true, min: 2, max: MAX_TENSOR_BITS });
  assertChannels(options.channels, size);
}

/** Throws `INVALID_OPTION` unless `channels` is a whole divisor of a tensor's `size` weights. */
export function assertChannels(channels: unknown, size: number): asserts channels is number {
  check.number(channels, 'channels', { integer: true, min: 1 });
  check.that(size % (channels as number) === 0, 'channels', `${String(channels)} does not divide the tensor's ${size} weights`);
}

/** Layer kinds the stage can cluster (depthwise only when asked: see `bits`). */
const CLUSTERABLE = new Set(['dense', 'conv2d', 'conv2dTranspose', 'depthwiseConv2d', 'embedding', 'recurrent']);
const clusterable = (layer: Layer) => CLUSTERABLE.has(layer.config.kind);

/**
 * Checks the names in `layerBits` and `exclude` against `model` (layer names or parameter keys of
 * the layers it can cluster): `UNKNOWN_LAYER` / `INVALID_OPTION` naming the option and listing the
 * valid names.
 */
export function assertClusterLayerNames(model: Model, o: ResolvedClusterOptions): void {
  const references = [...layerReferences('layerBits', o.layerBits), ...layerReferences('exclude', o.exclude)];
  assertLayerNames(model, references, { stage: STAGE, accepts: clusterable, paramKeys: true });
}

/** The bits for one parameter, or `undefined` when it is not clustered. */
export function bitsFor(ref: ParamRef, o: ResolvedClusterOptions): number | undefined {
  const { kind } = ref.layer.config;
  if (!CLUSTERABLE.has(kind)) return undefined;
  if (o.exclude.includes(ref.key) || o.exclude.includes(ref.layer.name)) return undefined;
  if (ref.param === 'bias' && !o.includeBiases) return undefined;
  // An embedding table takes the dense layers' bits unless given its own, a recurrent layer's
  // kernels the dense bits, a transposed convolution the conv2d bits.
  const byKind = kind === 'embedding' ? (o.bits.embedding ?? o.bits.dense) : kind === 'recurrent' ? o.bits.dense : kind === 'conv2dTranspose' ? o.bits.conv2d : o.bits[kind as 'dense' | 'conv2d' | 'depthwiseConv2d'];
  return o.layerBits[ref.key] ?? o.layerBits[ref.layer.name] ?? byKind;
}

/** The options as recorded in the report and the file (the resolved values, plain JSON). */
export function optionsJson(o: ResolvedClusterOptions): JsonValue {
  return JSON.parse(JSON.stringify(o)) as JsonValue;
}
