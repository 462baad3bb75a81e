/**
 * `@dc/prune`: magnitude pruning with retraining, the first stage of Deep Compression
 * (Han, Mao, Dally 2016; Han et al. 2015). The stage `pruneLowMagnitude()` provides `prune/masks`;
 * `seededConnectivity()` prunes to masks drawn from a seed, which a file stores in place of positions;
 * schedules, sensitivity analysis and the plain-array pruning helpers are exported for direct use.
 */
export { pruneLowMagnitude } from './prune-low-magnitude.js';
export type { PruneLowMagnitudeOptions, PerLayer, RetrainOptions, SplicingOptions } from './options.js';
export { createSplicingHooks, type SplicingHooks, type SplicedTensor } from './splicing-hooks.js';
export { scheduleValue, scheduleValues, type PruneSchedule, type ConstantSchedule, type PolynomialSchedule } from './schedule.js';
export { seededConnectivity, densityOfSparsity, SEEDED_STAGE_NAME, type SeededConnectivityOptions } from './seeded-connectivity.js';
export { createMaskHooks, type MaskHooks } from './mask-hooks.js';
export { applyMasks, countMaskViolations } from './masks.js';
export { keptStd, stdThreshold, pruneByThreshold, pruneToSparsity, pruneGlobal, pruneSmallest, applyMask, countKept, type MaskedValues, type PruneResult } from './magnitude.js';
export { analyzeSensitivity, pickQualities, type SensitivityOptions, type SensitivityTable, type SensitivityRow } from './sensitivity.js';
export type { LayerMetrics, RoundMetrics, TotalMetrics } from './metrics.js';
