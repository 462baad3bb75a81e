/** Batch-norm folding: the model transform and the stage. */
export { foldBatchNormModel, type FoldResult } from './fold.js';
export { foldBatchNorm, FOLD_BATCH_NORM_STAGE, type FoldBatchNormOptions } from './stage.js';
