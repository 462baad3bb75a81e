/**
 * The stage contract. A stage is a plain object made by a factory (`pruneLowMagnitude(opts)`),
 * like a rollup plugin: a name, JSON options, the artifacts it requires and provides, and `apply`.
 */
import type { ArtifactKey, ArtifactMap, ArtifactsOf } from './artifacts.js';
import type { StageProvenance } from './compressed.js';
import type { Model } from './ir/model.js';
import type { JsonValue } from './json.js';
import type { RandomSource } from './random.js';
import type { TrainingService } from './training.js';

/** Messages from a stage to whoever runs it; stages never write to the console. */
export interface Reporter {
  info(message: string, data?: JsonValue): void;
  warn(message: string, data?: JsonValue): void;
}

/** Progress of a long step inside a stage (an epoch, a round, a layer being clustered). */
export interface ProgressEvent {
  /** What is progressing, e.g. `round 2/4: retrain`. */
  readonly label: string;
  readonly current: number;
  readonly total: number;
}

/** What a stage gets besides its input: everything it must not create itself. */
export interface StageContext {
  /** Seeded randomness: the only source a stage may use. */
  readonly random: RandomSource;
  readonly signal: AbortSignal;
  readonly reporter: Reporter;
  /**
   * Name and options of every stage of this run up to and including this one, in order: the
   * provenance a stage that writes a file records.
   */
  readonly stages: readonly StageProvenance[];
  /** Present when the pipeline run was given one; stages that retrain require it. */
  readonly trainer?: TrainingService;
  /**
   * Float32 bytes of every parameter of the model the run started from, before any stage (a
   * folded batch norm's parameters included): the denominator of compression ratios. Set by the
   * pipeline; a stage called without one uses its input model's.
   */
  readonly originalBytes?: number;
  /** Report progress; the pipeline forwards it to observers. */
  progress(event: ProgressEvent): void;
  /** Throws `ABORTED` if the signal was aborted; call it between long steps. */
  throwIfAborted(): void;
}

/** The input of `apply`: the model and the artifacts the stage required (others when present). */
export interface StageInput<R extends ArtifactKey = never> {
  readonly model: Model;
  readonly artifacts: ArtifactsOf<R> & Partial<ArtifactMap>;
}

/** What `apply` returns. */
export interface StageOutput<P extends ArtifactKey = never> {
  /** A new model; the input model is never mutated. */
  readonly model: Model;
  readonly artifacts: ArtifactsOf<P>;
  /** JSON metrics for the report (per-layer tables, thresholds, accuracies). */
  readonly metrics?: { readonly [key: string]: JsonValue };
  /** Size in bytes of the model as this stage would store it, when the stage knows it. */
  readonly bytes?: number;
}

/**
 * What a stage may change in the weights it returns: `'values'` moves the values of weights (any
 * retraining, clustering, clipping), `'zeros'` changes which weights are zero (pruning, or
 * training without masks), `'biases'` moves the values of bias vectors and nothing else (bias
 * correction after clustering: masks and codebooks of kernels still hold; a written file does
 * not). Artifacts computed from what changed are stale afterwards.
 */
export type WeightChange = 'values' | 'zeros' | 'biases';

/**
 * A pipeline stage. `R` are the artifact keys it requires, `P` those it provides.
 * Names are `dc:<stage>` for the built-ins and `<package>:<stage>` for third parties.
 */
// `any` defaults make a bare `Stage` mean "a stage of any requirements", to which every typed stage is assignable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Stage<R extends ArtifactKey = any, P extends ArtifactKey = any> {
  readonly name: string;
  /** JSON-serialisable options; they are recorded in the file's provenance and the report. */
  readonly options: JsonValue;
  readonly requires: readonly R[];
  readonly provides: readonly P[];
  /** Artifacts the stage uses when an earlier stage provided them (e.g. prune masks for clustering). */
  readonly uses?: readonly ArtifactKey[];
  /**
   * What `apply` changes in the weights; default nothing. An artifact from an earlier stage that
   * depends on what changed (see `invalidatedBy`) is stale afterwards: the pipeline drops it, and a
   * later stage that requires or uses it fails validation with `STALE_ARTIFACT` (clustering
   * before pruning, say). The pipeline also checks after each stage that the weights still agree
   * with the masks and codebooks it holds, so a stage that changes weights without declaring it
   * fails there, by name.
   */
  readonly changes?: readonly WeightChange[];
  /**
   * For artifacts this stage provides: which later weight changes make each one stale. The
   * built-in keys default to core's rules (`prune/masks`: zeros; `quantize/codebooks`: values and
   * zeros; `encode/file`: any change); other keys never go stale unless declared here.
   */
  readonly invalidatedBy?: { readonly [K in P]?: readonly WeightChange[] };
  /**
   * Checks the options against the model before the pipeline runs any stage (layer names, with
   * `assertLayerNames`), so a typo fails before the first epoch rather than after earlier stages
   * have trained. The pipeline calls it on its input model; call it at the start of `apply` too,
   * for callers that apply the stage alone. Throws a `DcError` (`UNKNOWN_LAYER`, `INVALID_OPTION`).
   */
  checkModel?(model: Model): void;
  apply(input: StageInput<R>, ctx: StageContext): Promise<StageOutput<P>>;
}

/**
 * Identity helper that infers `R` and `P` from the literal arrays, so that a hand-written stage
 * gets exact pipeline typing: `defineStage({ name, requires: ['prune/masks'], provides: [], ... })`.
 */
export function defineStage<R extends ArtifactKey = never, P extends ArtifactKey = never>(stage: Stage<R, P>): Stage<R, P> {
  return stage;
}
