/** The Deep Compression stages of a `dc compress` run, from its settings. */
import { encodeFile, foldBatchNorm, type Stage } from '@dc/core';
import { huffmanCoder } from '@dc/huffman';
import { densityOfSparsity, pruneLowMagnitude, seededConnectivity } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { ransCoder } from '@dc/rans';
import type { CompressSettings } from './settings.js';

/** `bits` as clusterWeights takes it: one number, or `'*'` plus per-layer overrides. */
function clusterBits(bits: CompressSettings['bits']) {
  if (typeof bits === 'number') return { bits };
  const { '*': all, ...layerBits } = bits;
  return { ...(all === undefined ? {} : { bits: all }), layerBits };
}

/**
 * prune (+ retrain rounds) → masked low-rate polish → fold batch norms → cluster (+ centroid
 * fine-tuning) → write the file (each stream Huffman- or rANS-coded, whichever is smaller; biases
 * and codebooks float16 unless `float32`; the compact header). Batch norms train with the layers
 * while pruning and are folded before clustering, so the codebooks see the weights that run.
 * Without `retrain`, nothing trains: one-shot pruning and clustering of the trained weights.
 */
export function compressionStages(s: CompressSettings): Stage[] {
  const retrain = s.retrain && s.prune.retrainEpochs > 0;
  const polish = s.retrain && s.prune.polishEpochs > 0 ? { epochs: s.prune.polishEpochs, learningRate: s.prune.retrainLearningRate / 10 } : undefined;
  const stages: Stage[] = s.seededConnectivity === undefined ? magnitudeStages(s, retrain, polish) : seededStages(s, s.seededConnectivity, retrain, polish);
  if (s.foldBatchNorm) stages.push(foldBatchNorm() as Stage);
  stages.push(clusterStage(s), fileStage(s));
  return stages;
}

/** Clustering to the settings' bits, with centroid fine-tuning when the run retrains. */
export function clusterStage(s: Pick<CompressSettings, 'bits' | 'cluster' | 'retrain'>): Stage {
  const epochs = s.retrain ? s.cluster.epochs : 0;
  return clusterWeights({ ...clusterBits(s.bits), init: s.cluster.init, epochs, learningRate: s.cluster.learningRate, centroidLearningRate: s.cluster.learningRate }) as Stage;
}

/** prune (+ retrain rounds) by magnitude, then the masked low-rate polish. */
export function magnitudeStages(s: CompressSettings, retrain: boolean, polish: { epochs: number; learningRate: number } | undefined): Stage[] {
  const stages = [
    pruneLowMagnitude({
      sparsity: s.sparsity,
      rounds: s.prune.rounds,
      schedule: s.prune.rounds > 1 ? { kind: 'polynomial', initial: 0, power: 3 } : { kind: 'constant' },
      ...(retrain ? { retrain: { epochs: s.prune.retrainEpochs, learningRate: s.prune.retrainLearningRate } } : {}),
    }) as Stage,
  ];
  // A second prune stage with the same targets prunes nothing more (masks are kept) and only
  // retrains, at a tenth of the rate: the paper's low-rate retraining after the last round.
  if (polish) stages.push(pruneLowMagnitude({ sparsity: s.sparsity, retrain: polish }) as Stage);
  return stages;
}

/**
 * Masks drawn from `seed` (density 1 − sparsity; layers at sparsity 0 stay whole), retrained on
 * for `rounds × retrainEpochs` epochs; the polish draws the same masks again and retrains at a
 * tenth of the rate.
 */
function seededStages(s: CompressSettings, seed: number, retrain: boolean, polish: { epochs: number; learningRate: number } | undefined): Stage[] {
  const density = densityOfSparsity(s.sparsity);
  const epochs = s.prune.rounds * s.prune.retrainEpochs;
  const stages = [seededConnectivity({ density, seed, ...(retrain ? { retrain: { epochs, learningRate: s.prune.retrainLearningRate } } : {}) }) as Stage];
  if (polish) stages.push(seededConnectivity({ density, seed, retrain: polish }) as Stage);
  return stages;
}

/** The writer: each stream Huffman- or rANS-coded, whichever is smaller; floats float16 unless `float32`; the compact header. */
export function fileStage(s: Pick<CompressSettings, 'float32'>): Stage<never, 'encode/file'> {
  const floats = s.float32 ? {} : ({ floatFormat: 'float16', codebookFormat: 'float16' } as const);
  return encodeFile({ coders: [huffmanCoder, ransCoder], header: 'compact', ...floats });
}
