/**
 * `@dc/allocate`: chooses per-layer sparsity and bits for Deep Compression from measured
 * sensitivity, for an accuracy budget or a file-size target (`planAllocation`); the result plugs
 * into `pruneLowMagnitude({ sparsity })` and `clusterWeights({ layerBits })`.
 */
export { planAllocation, type Allocation } from './plan-allocation.js';
export { resolveGoal, DEFAULT_BIT_LEVELS, DEFAULT_SPARSITY_LEVELS, type AllocateOptions, type Goal } from './options.js';
export { analyzeBitSensitivity, type BitSensitivityOptions, type BitSensitivityTable } from './bit-sensitivity.js';
export { candidateBytes } from './candidate-bytes.js';
export { chooseAt, sparsityGrid, predictedIncrease, type LayerChoice, type LayerCurves } from './choose.js';
export { damageCurve, interpolate, type Curve } from './curves.js';
export { indexBits, layerBytes } from './size-model.js';
