/**
 * Every hyper-parameter of `dc compress`: presets fill them, flags override them. Per-layer values
 * are records keyed by layer name, with `'*'` for the layers not named.
 */
import { CAUTIOUS_BITS } from '@dc/allocate';
import type { Preprocessing } from '@dc/core';
import type { ImageAugmentation } from '@dc/core/tfjs';

/** A value for every layer (`0.7`) or per layer (`{ '*': 0.7, stem: 0.3 }`). */
export type PerLayer = number | Readonly<Record<string, number>>;

/** The settings of one `dc compress` run. */
export interface CompressSettings {
  /** Fraction of each dense/conv2d kernel pruned (layers named in a record: those layers). */
  readonly sparsity: PerLayer;
  /** Bits per code of the shared-weight codebooks. */
  readonly bits: PerLayer;
  /**
   * Iterative pruning: `rounds` of prune → retrain (`retrainEpochs` at `retrainLearningRate`), then
   * `polishEpochs` of masked retraining at a tenth of that rate.
   */
  readonly prune: { readonly rounds: number; readonly retrainEpochs: number; readonly retrainLearningRate: number; readonly polishEpochs: number };
  /** Centroid fine-tuning after clustering. */
  readonly cluster: { readonly epochs: number; readonly learningRate: number; readonly init: 'linear' | 'density' | 'random' | 'kmeans++' };
  /** False: post-training compression (prune + cluster, no training at all). */
  readonly retrain: boolean;
  /** Fold BatchNormalization into the preceding convolution before clustering. */
  readonly foldBatchNorm: boolean;
  /** Store biases, codebooks and other unclustered values as float32 (default float16). */
  readonly float32: boolean;
  readonly batchSize: number;
  readonly seed: number;
  /** The last fraction of the training data, held out for the per-stage accuracy. */
  readonly validationSplit: number;
  /**
   * Training threads: each batch shared with data-parallel worker threads (`'auto'`: one per core).
   * 1, the default, gives the same figures on every machine; more change them at float rounding.
   */
  readonly trainingThreads: number | 'auto';
  /**
   * Data augmentation while retraining: each training image shifted by a random offset in
   * [-n, n] pixels per axis (`createTfjsTrainer`'s `augment`; models with image inputs). 0: off.
   */
  readonly augmentTranslate: number;
  /** Data augmentation while retraining: half the drawn training images mirrored left to right (photographs). */
  readonly augmentFlip: boolean;
  /**
   * Prune to masks drawn from this seed (`seededConnectivity` of `@dc/prune`; density 1 − `sparsity`
   * per layer) instead of by magnitude: the file stores the seeds in place of the positions
   * (format version 7). Undefined: magnitude pruning.
   */
  readonly seededConnectivity?: number;
}

/** The trainer's `augment` option for `settings` (undefined: none). */
export function augmentationOf(settings: Pick<CompressSettings, 'augmentTranslate' | 'augmentFlip'>): ImageAugmentation | undefined {
  if (!settings.augmentTranslate && !settings.augmentFlip) return undefined;
  return settings.augmentFlip ? { translate: settings.augmentTranslate, flip: true } : { translate: settings.augmentTranslate };
}

/** Presets: `quick` runs in minutes for a small model on 2 cores; `paper` iterates as the paper does. */
export const PRESET_NAMES = ['quick', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const QUICK: CompressSettings = {
  sparsity: 0.7,
  bits: 5,
  prune: { rounds: 1, retrainEpochs: 1, retrainLearningRate: 5e-4, polishEpochs: 0 },
  cluster: { epochs: 1, learningRate: 1e-4, init: 'linear' },
  retrain: true,
  foldBatchNorm: true,
  float32: false,
  batchSize: 128,
  seed: 1,
  validationSplit: 0.1,
  trainingThreads: 1,
  augmentTranslate: 0,
  augmentFlip: false,
};

const PRESETS: Record<PresetName, CompressSettings> = {
  quick: QUICK,
  paper: {
    ...QUICK,
    prune: { rounds: 3, retrainEpochs: 2, retrainLearningRate: 5e-4, polishEpochs: 1 },
    cluster: { epochs: 2, learningRate: 1e-4, init: 'linear' },
  },
};

/** Flags that override a preset (undefined: keep the preset's value). */
export interface SettingsFlags {
  readonly preset?: PresetName;
  readonly sparsity?: PerLayer;
  readonly bits?: PerLayer;
  readonly pruneRounds?: number;
  readonly pruneEpochs?: number;
  readonly pruneLr?: number;
  readonly prunePolishEpochs?: number;
  readonly clusterEpochs?: number;
  readonly clusterLr?: number;
  readonly init?: CompressSettings['cluster']['init'];
  /** Commander's `--no-retrain` sets false. */
  readonly retrain?: boolean;
  /** Commander's `--no-fold-batch-norm` sets false. */
  readonly foldBatchNorm?: boolean;
  readonly float32?: boolean;
  readonly batchSize?: number;
  readonly seed?: number;
  readonly validationSplit?: number;
  readonly trainingThreads?: number | 'auto';
  readonly augmentTranslate?: number;
  readonly augmentFlip?: boolean;
  readonly seededConnectivity?: number;
}

/** Merges per-layer flags into the preset's: a number replaces everything, a record adds to it. */
function mergePerLayer(base: PerLayer, flag: PerLayer | undefined): PerLayer {
  if (flag === undefined) return base;
  if (typeof flag === 'number') return flag;
  return { ...(typeof base === 'number' ? { '*': base } : base), ...flag };
}

/**
 * The sparsity and bits of `dc compress --no-retrain` without `--calibration`, `--sparsity` or
 * `--bits` (a GraphModel's and a LayersModel's): nothing pruned, 8-bit codes (a GraphModel's with
 * per-channel scales; its weights stored in uint8 or uint16 levels kept as they are). Nothing
 * retrains and nothing measures the outputs, so the defaults must not harm them: pruning half of
 * each weight to 6-bit codes (the defaults before) changed the answers of most pretrained models,
 * and a preset's sparsity assumes retraining. The corpus benchmark's `--without-calibration` run
 * measures these against the converter's `--quantize_uint8` (the CLI README's table).
 */
export const NO_RETRAIN_DEFAULTS = { sparsity: 0, bits: CAUTIOUS_BITS } as const;

/** The preset's settings with the flags applied; without retraining, {@link NO_RETRAIN_DEFAULTS} under the flags. */
export function resolveSettings(flags: SettingsFlags): CompressSettings {
  const preset = PRESETS[flags.preset ?? 'quick'];
  const s = flags.retrain === false ? { ...preset, ...NO_RETRAIN_DEFAULTS } : preset;
  return {
    sparsity: mergePerLayer(s.sparsity, flags.sparsity),
    bits: mergePerLayer(s.bits, flags.bits),
    prune: {
      rounds: flags.pruneRounds ?? s.prune.rounds,
      retrainEpochs: flags.pruneEpochs ?? s.prune.retrainEpochs,
      retrainLearningRate: flags.pruneLr ?? s.prune.retrainLearningRate,
      polishEpochs: flags.prunePolishEpochs ?? s.prune.polishEpochs,
    },
    cluster: { epochs: flags.clusterEpochs ?? s.cluster.epochs, learningRate: flags.clusterLr ?? s.cluster.learningRate, init: flags.init ?? s.cluster.init },
    retrain: flags.retrain ?? s.retrain,
    foldBatchNorm: flags.foldBatchNorm ?? s.foldBatchNorm,
    float32: flags.float32 ?? s.float32,
    batchSize: flags.batchSize ?? s.batchSize,
    seed: flags.seed ?? s.seed,
    validationSplit: flags.validationSplit ?? s.validationSplit,
    trainingThreads: flags.trainingThreads ?? s.trainingThreads,
    augmentTranslate: flags.augmentTranslate ?? s.augmentTranslate,
    augmentFlip: flags.augmentFlip ?? s.augmentFlip,
    ...(flags.seededConnectivity === undefined ? {} : { seededConnectivity: flags.seededConnectivity }),
  };
}

/** What a run records about its input scaling and where it came from. */
export interface RecordedPreprocessing {
  readonly preprocessing: Preprocessing;
  /**
   * `flags`, or the default for the data (`bytes`: IDX or uint8 `.npy` pixels × 1/255; `float`: as
   * given; `rescaling`: as given, since the model's first layer is a `Rescaling` that scales them;
   * `token ids`: as given, since the model's first layer is an `Embedding` that looks them up).
   */
  readonly source: 'flags' | 'bytes' | 'float' | 'rescaling' | 'token ids';
}
