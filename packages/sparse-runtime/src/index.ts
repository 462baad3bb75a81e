/**
 * `@dc/sparse-runtime`: runs Deep Compression files directly from their compressed form.
 * Backends are separate entry points: `@dc/sparse-runtime/cpu`, `/tfjs`, `/webgpu`.
 */
export type { RuntimeBackend, PreparedModel, BackendFactory, NamedBackendFactory } from './backend.js';
export type { LoadedModel } from './model/loaded-model.js';
export { loadCompressedModel, type LoadCompressedModelOptions } from './model/load.js';
export type { ModelSource } from './model/read-source.js';
export { planModel, INPUT_VALUE, type ModelPlan, type PlanStep, type PlanOptions, type PlanParams, type ValueId, type Schedule, type Window, type Hwc, type Pads } from './model/plan.js';
export { foldableBatchNorms, scaleKernel, batchNormScale } from './model/fold-batch-norm.js';
export { VIEW_KINDS, IN_PLACE_KINDS } from './model/schedule.js';
export { OP_REFUSALS, assertRunnable, refusalOf, type OpRefusal, type BackendFamily } from './model/refusals.js';
export { createSession, type Session, type CreateSessionOptions } from './session.js';
export { chooseBackend, type ChosenBackend, type SkippedBackend } from './choose-backend.js';
export { toSparseRows, toSparseCols, type SparseRows, type SparseCols, type CodeArray } from './sparse/sparse-rows.js';
