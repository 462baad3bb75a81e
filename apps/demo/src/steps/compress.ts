import { createPipeline, encodeFile, type EncodedFile, type Stage, type Model, type PipelineReport, type TrainingService } from '@dc/core';
import { huffmanCoder } from '@dc/huffman';
import { densityOfSparsity, pruneLowMagnitude, seededConnectivity, type PruneLowMagnitudeOptions } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { ransCoder } from '@dc/rans';
import { PIXEL_PREPROCESSING } from '../data.js';
import type { DemoSettings } from '../presets.js';
import type { Progress } from '../progress.js';

/** The outcome of the compression pipeline. */
export interface CompressionResult {
  readonly model: Model;
  readonly file: EncodedFile;
  readonly report: PipelineReport;
  /** The model after each stage, by stage name (for the weight histograms). */
  readonly snapshots: ReadonlyMap<string, Model>;
}

/**
 * The writer of the demo's files (also measures candidate allocations): the leaner file of issue
 * #16 — each stream with the smaller of Huffman and rANS, biases and codebooks as float16 (the
 * shipped files classify the 10,000 test digits exactly as with float32), the compact header.
 */
export const DEMO_WRITER_OPTIONS = { floatFormat: 'float16', codebookFormat: 'float16', header: 'compact' } as const;
export const demoWriter = () => encodeFile({ coders: [huffmanCoder, ransCoder], ...DEMO_WRITER_OPTIONS });

/** The Deep Compression stages for a demo run: prune + retrain (+ low-rate polish) → cluster + fine-tune → entropy-coded file. */
export function demoStages(settings: DemoSettings) {
  const { sparsity, prune, bits, cluster } = settings;
  return {
    prune: settings.connectivity ? seededStage(settings, settings.connectivity.seed) : magnitudeStage({
      sparsity,
      rounds: prune.rounds,
      schedule: prune.rounds > 1 ? { kind: 'polynomial', initial: 0, power: 3 } : { kind: 'constant' },
      ...(prune.retrainEpochs > 0 ? { retrain: { epochs: prune.retrainEpochs, learningRate: prune.retrainLearningRate } } : {}),
      ...(prune.splicing ? { splicing: true } : {}),
    }),
    cluster: clusterWeights({
      layerBits: bits,
      init: cluster.init,
      epochs: cluster.epochs,
      learningRate: cluster.learningRate,
      centroidLearningRate: cluster.learningRate,
    }),
    // A second prune stage with the same targets prunes nothing more (masks are kept) and only
    // retrains, at a tenth of the rate: the paper's low-rate retraining after the last round.
    polish:
      prune.polishEpochs > 0
        ? settings.connectivity
          ? seededStage(settings, settings.connectivity.seed, 'polish')
          : magnitudeStage({ sparsity, retrain: { epochs: prune.polishEpochs, learningRate: prune.retrainLearningRate / 10 } })
        : undefined,
    encode: demoWriter(),
  };
}

/** A stage that provides masks (magnitude or seeded pruning; the seeded one provides its seeds too). */
type PruneStage = Stage<never, 'prune/masks'>;
const magnitudeStage = (options: PruneLowMagnitudeOptions): PruneStage => pruneLowMagnitude(options);

/**
 * The seeded connectivity stage of `settings`: densities 1 − `sparsity`, retraining on the masks
 * for `rounds × retrainEpochs` epochs; for the polish, the same masks again (same seed) at a
 * tenth of the rate.
 */
function seededStage(settings: DemoSettings, seed: number, phase: 'retrain' | 'polish' = 'retrain'): PruneStage {
  const { prune } = settings;
  const density = densityOfSparsity(settings.sparsity);
  const retrain = phase === 'polish' ? { epochs: prune.polishEpochs, learningRate: prune.retrainLearningRate / 10 } : { epochs: prune.rounds * prune.retrainEpochs, learningRate: prune.retrainLearningRate };
  // Typed as the masks' provider the pipeline below is built for; at run time its seeds flow to the writer too.
  return seededConnectivity({ density, seed, ...(retrain.epochs > 0 ? { retrain } : {}) }) as unknown as PruneStage;
}

/** Runs prune → cluster → write (Huffman and rANS) on `baseline` with the trainer, reporting progress. */
export async function compress(baseline: Model, settings: DemoSettings, trainer: TrainingService, seed: number, progress: Progress): Promise<CompressionResult> {
  const stages = demoStages(settings);
  const snapshots = new Map<string, Model>();
  const pruned = stages.polish ? createPipeline().use(stages.prune).use(stages.polish) : createPipeline().use(stages.prune);
  const result = await pruned
    .use(stages.cluster)
    .use(stages.encode)
    .run({ ...baseline, preprocessing: baseline.preprocessing ?? PIXEL_PREPROCESSING }, { trainer, seed, observers: [progress.observer, { onStageEnd: (e) => snapshots.set(e.stage, e.model) }] });
  return { model: result.model, file: result.artifacts['encode/file']!, report: result.report, snapshots };
}
