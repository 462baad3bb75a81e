import type { ArtifactKey, ArtifactMap } from '../artifacts.js';
import { DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { float32Bytes } from '../ir/params.js';
import { validateModel } from '../ops/validate-model.js';
import { createRandom } from '../random.js';
import type { StageProvenance } from '../compressed.js';
import type { Stage, StageContext, StageInput } from '../stage.js';
import type { TrainingService } from '../training.js';
import { assertArtifactsAgree } from './artifact-agreement.js';
import { planArtifactFlow } from './artifact-flow.js';
import { notify, type PipelineObserver } from './observer.js';
import type { PipelineReport, StageReport } from './report.js';
import { stageError } from './stage-error.js';
import { assertStage } from './validate.js';

/** Options of {@link Pipeline.run}. */
export interface PipelineRunOptions {
  /** Seed of `ctx.random`; default 0. The same seed gives the same result. */
  seed?: number;
  signal?: AbortSignal;
  /** Training service for stages that retrain, and for accuracy in the report. */
  trainer?: TrainingService;
  /** Evaluate the input and each stage's output with the trainer (default: true when a trainer is given). */
  evaluate?: boolean;
  observers?: readonly PipelineObserver[];
  /** Artifacts available before the first stage (e.g. masks loaded from elsewhere). */
  artifacts?: Partial<ArtifactMap>;
}

/** The result of a pipeline run. */
export interface PipelineResult {
  readonly model: Model;
  readonly artifacts: Partial<ArtifactMap>;
  readonly report: PipelineReport;
}

/** Marks a stage whose requirements the pipeline's type cannot show to be met. */
export interface MissingArtifacts<K> {
  /** A stage requires artifacts that no earlier stage provides. */
  readonly __missingArtifacts: K;
}

/** `unknown` when `R` ⊆ `A`, else a type that makes `use()` fail to compile, naming the keys. */
export type CheckRequires<R extends ArtifactKey, A extends ArtifactKey> = [Exclude<R, A>] extends [never] ? unknown : MissingArtifacts<Exclude<R, A>>;

/**
 * An immutable sequence of stages. `A` is the union of artifact keys available after the stages
 * so far, so that `use()` of a stage that requires an unavailable artifact fails to compile.
 */
export interface Pipeline<A extends ArtifactKey = never> {
  readonly stages: readonly Stage[];
  /** A new pipeline with `stage` appended; this one is unchanged. */
  use<R extends ArtifactKey, P extends ArtifactKey>(stage: Stage<R, P> & CheckRequires<R, A>): Pipeline<A | P>;
  /** Appends several stages (a preset); checked at run time only. */
  useAll(stages: readonly Stage[]): Pipeline<ArtifactKey>;
  /**
   * Throws `MISSING_ARTIFACT` if a requirement is unmet given `initial` artifacts, and
   * `STALE_ARTIFACT` if a stage requires or uses an artifact that a stage before it made stale
   * (see `Stage.changes`).
   */
  validate(initial?: Iterable<ArtifactKey>): void;
  /**
   * Runs the stages in order on `model` (which is never mutated). Before the first stage it checks
   * the model with `validateModel` (`INVALID_MODEL` naming the node and field; an empty model, and
   * a tfjs model, which needs `fromLayersModel` first, included), the artifact flow
   * (`validate`) and every stage's `checkModel` (layer names in options). A stage's `DcError`
   * reaches the caller with its own code and `stage` set; anything else it throws becomes
   * `STAGE_FAILED` with the original as `cause`.
   */
  run(model: Model, options?: PipelineRunOptions): Promise<PipelineResult>;
}

/** Creates an empty pipeline: `createPipeline().use(pruneLowMagnitude()).use(clusterWeights())`. */
export function createPipeline(): Pipeline<never> {
  return makePipeline([]) as unknown as Pipeline<never>;
}

function makePipeline(stages: readonly Stage[]): Pipeline<ArtifactKey> {
  const frozen = Object.freeze([...stages]);
  const useAll = (more: readonly Stage[]) => {
    more.forEach((s) => assertStage(s));
    const next = [...frozen, ...more];
    // An order that makes an artifact stale before its consumer is wrong whatever run() is given.
    planArtifactFlow(next, [], { assumeInitial: true });
    return makePipeline(next);
  };
  return Object.freeze({
    stages: frozen,
    use: (stage: Stage) => useAll([stage]),
    useAll,
    validate(initial: Iterable<ArtifactKey> = []) {
      planArtifactFlow(frozen, initial);
    },
    run: (model: Model, options?: PipelineRunOptions) => runStages(frozen, model, options ?? {}),
  }) as Pipeline<ArtifactKey>;
}

async function runStages(stages: readonly Stage[], input: Model, options: PipelineRunOptions): Promise<PipelineResult> {
  validateModel(input);
  const seed = options.seed ?? 0;
  const signal = options.signal ?? new AbortController().signal;
  const observers = options.observers ?? [];
  const trainer = options.trainer;
  const evaluate = options.evaluate ?? trainer !== undefined;
  if (evaluate && !trainer) throw new DcError('TRAINER_REQUIRED', 'evaluate: true needs a trainer');
  const artifacts: Partial<ArtifactMap> = { ...options.artifacts };
  const staleAfter = planArtifactFlow(stages, Object.keys(artifacts) as ArtifactKey[]);
  const providers = new Map<string, string>();
  for (const stage of stages) {
    try {
      stage.checkModel?.(input);
    } catch (error) {
      throw stageError(stage.name, error);
    }
  }
  throwIfAborted(signal);

  const started = performance.now();
  const root = createRandom(seed);
  const originalBytes = float32Bytes(input);
  const baseline = evaluate ? await trainer!.evaluate(input) : undefined;
  const reports: StageReport[] = [];
  let model = input;
  let bytes = originalBytes;

  for (const [index, stage] of stages.entries()) {
    throwIfAborted(signal);
    notify(observers, 'onStageStart', { stage: stage.name, index, total: stages.length });
    const provenance = stages.slice(0, index + 1).map((s) => ({ name: s.name, options: s.options }));
    const ctx = makeContext(stage.name, index, root, signal, observers, trainer, provenance, originalBytes);
    const t0 = performance.now();
    let output;
    try {
      // Requirements were checked above, so every required artifact is present.
      output = await stage.apply({ model, artifacts: artifacts as StageInput<ArtifactKey>['artifacts'] }, ctx);
    } catch (error) {
      if (signal.aborted) throw new DcError('ABORTED', `aborted during stage "${stage.name}"`, { stage: stage.name, cause: error });
      throw stageError(stage.name, error);
    }
    for (const key of stage.provides) {
      if (!(key in output.artifacts)) {
        throw new DcError('INVALID_STAGE', `stage "${stage.name}" declared it provides "${key}" but did not return it`, { stage: stage.name });
      }
      providers.set(key, stage.name);
    }
    Object.assign(artifacts, output.artifacts);
    for (const key of staleAfter[index]) delete artifacts[key];
    assertArtifactsAgree(output.model, artifacts, providers, stage.name);
    model = output.model;
    const seconds = (performance.now() - t0) / 1000;
    const evaluation = evaluate ? await trainer!.evaluate(model) : undefined;
    const report: StageReport = {
      name: stage.name,
      options: stage.options,
      seconds,
      metrics: output.metrics ?? {},
      bytesBefore: bytes,
      bytesAfter: output.bytes ?? bytes,
      ...(evaluation === undefined ? {} : { accuracy: evaluation.accuracy, loss: evaluation.loss }),
    };
    bytes = report.bytesAfter;
    reports.push(report);
    notify(observers, 'onStageEnd', { stage: stage.name, index, report, model });
  }

  return {
    model,
    artifacts,
    report: {
      seed,
      originalBytes,
      ...(baseline === undefined ? {} : { baselineAccuracy: baseline.accuracy, baselineLoss: baseline.loss }),
      stages: reports,
      seconds: (performance.now() - started) / 1000,
      ...(trainer ? { backend: trainer.backend } : {}),
    },
  };
}

function makeContext(
  stageName: string,
  index: number,
  root: ReturnType<typeof createRandom>,
  signal: AbortSignal,
  observers: readonly PipelineObserver[],
  trainer: TrainingService | undefined,
  stages: readonly StageProvenance[],
  originalBytes: number,
): StageContext {
  return {
    random: root.fork(`${index}:${stageName}`),
    stages,
    originalBytes,
    signal,
    ...(trainer ? { trainer } : {}),
    reporter: {
      info: (message, data) => notify(observers, 'onMessage', { stage: stageName, level: 'info', message, data }),
      warn: (message, data) => notify(observers, 'onMessage', { stage: stageName, level: 'warn', message, data }),
    },
    progress: (event) => notify(observers, 'onProgress', { ...event, stage: stageName }),
    throwIfAborted: () => throwIfAborted(signal, stageName),
  };
}

function throwIfAborted(signal: AbortSignal, stage?: string): void {
  if (signal.aborted) throw new DcError('ABORTED', stage ? `aborted in stage "${stage}"` : 'aborted before start', { stage, cause: signal.reason });
}
