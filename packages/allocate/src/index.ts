/**
 * `@dc/allocate`: chooses per-layer sparsity and bits for Deep Compression from measured
 * sensitivity, for an accuracy budget or a file-size target (`planAllocation`); the result plugs
 * into `pruneLowMagnitude({ sparsity })` and `clusterWeights({ layerBits })`.
 */
export { planAllocation, type Allocation } from './plan-allocation.js';
export { resolveGoal, DEFAULT_BIT_LEVELS, DEFAULT_SPARSITY_LEVELS, LOSS_SPARSITY_LEVELS, type AllocateOptions, type Goal, type Metric } from './options.js';
export { scorerFor, type Measured, type Scorer } from './metric.js';
export { analyzeBitSensitivity, type BitSensitivityOptions, type BitSensitivityTable } from './bit-sensitivity.js';
export { candidateBytes } from './candidate-bytes.js';
export { budgetThreshold, chooseRound, nextBudgetBytes, nextFactor, probeRecovery, probeReference, recoveryRounds, scaleCurves, defaultRecoveryRounds, DEFAULT_BUDGET_RECOVERY_ROUNDS, DEFAULT_RECOVERY_ROUNDS, MAX_RECOVERY_ROUNDS, RECOVERY_BUDGET_SHRINK, RECOVERY_FACTOR_RANGE, RECOVERY_SCOUT_FACTOR, type RecoveryOptions, type RecoveryProbe, type RecoveryReference, type RecoveryRound, type ReportScore } from './recovery.js';
export { chooseAt, sparsityGrid, predictedIncrease, type LayerChoice, type LayerCurves } from './choose.js';
export { damageCurve, interpolate, type Curve } from './curves.js';
export { indexBits, layerBytes } from './size-model.js';
export { planPostTraining, type PostTrainingPlan } from './post-training/plan-post-training.js';
export { CAUTIOUS_BITS, cautiousCandidate } from './post-training/cautious-start.js';
export { DEFAULT_POST_TRAINING_BITS, DEFAULT_POST_TRAINING_FINE_BITS, DEFAULT_POST_TRAINING_SPARSITY, DEFAULT_REFINE_MARGIN, DEFAULT_REFINEMENTS, type PlannedTensor, type PlanTensor, type PostTrainingOptions, type RunWithWeights } from './post-training/options.js';
export { argmax, budgetFor, columnError, detectOutputKind, meetsBudget, outputKindsOf, samplesToResolve, unstableEntries, COLUMN_NORM_FLOOR, DEFAULT_MAX_OUTPUT_DRIFT, KEYPOINT_MIN_SCORE, OUTPUT_KINDS, UNSTABLE_PROBABILITIES, UNSTABLE_TOP1, type FidelityBudget, type OutputBatch, type OutputFidelity, type OutputKind, type OutputMetrics } from './post-training/fidelity.js';
export { boxIoU, DETECTION_MIN_SCORE, keypointMoves, recordScores, scoreSources, type ScoreSource } from './post-training/detections.js';
export { cornerIoU, detectListClasses, detectLists, judgeLists, listPartners, MIN_DETECTED_LIST, type ListJudgement, type ListPartnerOutputs, type ListPartners, type ListValues } from './post-training/nms-lists.js';
export { compareOutputs, markUnstable, perDraw, reportWithin, worstError, type FidelityReport } from './post-training/compare-outputs.js';
export { budgetVerdict, budgetWords, outputMetricWords } from './post-training/fidelity-words.js';
export { changeError, codedCandidate, compressTensor, entropyBits, losslessBytes, tensorCandidates, tensorCompressor, type CandidateGrid, type CompressedTensor, type CompressTensor, type TensorCandidate, type TensorCompressorOptions, type TensorForm } from './post-training/tensor-candidates.js';
export { chooseAtPrice, type TensorPlan } from './post-training/search.js';
export type { TensorSensitivity } from './post-training/sensitivity.js';
