/** How a model was trained: the loss its file records, so tools that run the file can measure by it. */

/**
 * The losses the trainer computes (tfjs-layers' names; `huber`, which tfjs-layers lacks, Keras'):
 * the cross-entropies of classifiers, and the losses of regressors, counts (`poisson`),
 * distributions (`kullbackLeiblerDivergence`: a distilled model's soft targets) and embeddings
 * (`cosineProximity`, Keras' `cosine_similarity`), and the margin losses of classifiers trained
 * as SVMs (`hinge`, `squaredHinge` on −1/1 labels, `categoricalHinge` on one-hot rows).
 */
export type LossName =
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'binaryCrossentropy'
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'huber'
  | 'logcosh'
  | 'meanAbsolutePercentageError'
  | 'meanSquaredLogarithmicError'
  | 'poisson'
  | 'kullbackLeiblerDivergence'
  | 'cosineProximity'
  | 'hinge'
  | 'squaredHinge'
  | 'categoricalHinge';

/** Every {@link LossName}. */
export const LOSS_NAMES: readonly LossName[] = [
  'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError',
  'huber', 'logcosh', 'meanAbsolutePercentageError', 'meanSquaredLogarithmicError', 'poisson', 'kullbackLeiblerDivergence', 'cosineProximity',
  'hinge', 'squaredHinge', 'categoricalHinge',
];

/**
 * The loss a model was trained (or retrained) with, as a file records it (docs/format.md §7):
 * `dc run` measures the file's outputs by it, and `dc export` hands it on.
 */
export interface TrainingRecord {
  readonly loss: LossName;
  /** The loss takes the model's outputs as logits (a linear head); absent: as they are. */
  readonly fromLogits?: boolean;
  /** `huber`'s delta; absent: 1. */
  readonly huberDelta?: number;
}
