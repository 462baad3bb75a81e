/**
 * The options of {@link pruneLowMagnitude} and their eager validation with core's `optionChecks`:
 * a bad option (unknown key, wrong type, out of range) fails when the stage is made, not minutes
 * into a pipeline run.
 */
import { optionChecks, type OptimizerName, type OptionChecks, type OptionKeys } from '@dc/core';
import type { PolynomialSchedule, PruneSchedule } from './schedule.js';

/** The stage name, used in errors and reports. */
export const STAGE_NAME = 'dc:prune';

/**
 * A value for every pruned layer (`0.9`) or per layer name (`{ ip1: 0.92, ip2: 0.91 }`). In a
 * per-layer record the key `'*'` gives the value of layers not listed, and a parameter key
 * (`lstm/recurrentKernel`) the value of one tensor, over its layer's.
 */
export type PerLayer = number | { readonly [layer: string]: number };

/** Retraining after each pruning round (the paper retrains at 1/10 of the original learning rate). */
export interface RetrainOptions {
  /** Epochs of fine-tuning after each round. */
  readonly epochs: number;
  readonly learningRate: number;
  /** Defaults to the trainer's batch size. */
  readonly batchSize?: number;
  /** Defaults to the trainer's optimizer. */
  readonly optimizer?: OptimizerName;
}

/**
 * Options of {@link pruneLowMagnitude}. Give exactly one of `quality`, `sparsity` and
 * `globalSparsity`; with none, `sparsity: 0.5` is used.
 */
export interface PruneLowMagnitudeOptions {
  /**
   * The paper's rule: a layer's threshold is `quality × std(kept weights of that layer)`, and
   * weights with `|w| < threshold` are pruned. Non-negative.
   */
  readonly quality?: PerLayer;
  /** Fraction of each layer's weights to prune, in [0, 1); hit to the nearest weight. */
  readonly sparsity?: PerLayer;
  /** Fraction of all selected weights to prune with one magnitude threshold shared by all layers, in [0, 1). */
  readonly globalSparsity?: number;
  /** Names of the layers to prune. Default: every dense, conv2d, conv2dTranspose, embedding and recurrent layer (or the layers named in a per-layer record). */
  readonly layers?: readonly string[];
  /** Also prune the biases of the selected layers. Default false (the paper prunes weights only). */
  readonly pruneBiases?: boolean;
  /** Prune → retrain rounds. Default 1. */
  readonly rounds?: number;
  /** How the target (quality or sparsity) grows over the rounds. Default constant. */
  readonly schedule?: PruneSchedule;
  /** Retrain after each round; needs `ctx.trainer`. Default: no retraining. */
  readonly retrain?: RetrainOptions;
  /** Evaluate accuracy after each round when a trainer is present. Default true. */
  readonly evaluate?: boolean;
  /**
   * Splicing (Dynamic Network Surgery, Guo et al. 2016): while retraining, pruned weights keep a
   * shadow value that receives gradient updates, and come back when its magnitude exceeds the
   * round's threshold × (1 + `hysteresis`); kept weights below the threshold are pruned. Each
   * round re-prunes from the shadow values, so the final sparsity is still exact. `true` is
   * `{ hysteresis: 0.1 }`. Default off (the paper's masks only grow).
   */
  readonly splicing?: boolean | SplicingOptions;
}

/** Options of splicing (see {@link PruneLowMagnitudeOptions.splicing}). */
export interface SplicingOptions {
  /** Width of the band between pruning and reviving, relative to the threshold; ≥ 0, default 0.1. */
  readonly hysteresis?: number;
}

/** Which target the options set. */
export type TargetKind = 'quality' | 'sparsity' | 'globalSparsity';

/** Options after validation and defaults. */
export interface ResolvedOptions {
  readonly kind: TargetKind;
  readonly target: PerLayer;
  readonly layers?: readonly string[];
  readonly pruneBiases: boolean;
  readonly rounds: number;
  readonly schedule: PruneSchedule;
  readonly retrain?: RetrainOptions;
  readonly evaluate: boolean;
  readonly splicing?: { readonly hysteresis: number };
}

const KEYS: OptionKeys<PruneLowMagnitudeOptions> = {
  quality: true,
  sparsity: true,
  globalSparsity: true,
  layers: true,
  pruneBiases: true,
  rounds: true,
  schedule: true,
  retrain: true,
  evaluate: true,
  splicing: true,
};
const SPLICING_KEYS: OptionKeys<SplicingOptions> = { hysteresis: true };
const RETRAIN_KEYS: OptionKeys<RetrainOptions> = { epochs: true, learningRate: true, batchSize: true, optimizer: true };
// A polynomial schedule has every key a schedule can have.
const SCHEDULE_KEYS: OptionKeys<PolynomialSchedule> = { kind: true, initial: true, power: true };
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

const check: OptionChecks = optionChecks(STAGE_NAME);

/** A target value: finite, non-negative, and below `below` when given (sparsities are < 1). */
function checkTarget(value: unknown, option: string, below: number | undefined): void {
  check.number(value, option, { min: 0, ...(below === undefined ? {} : { below }) });
}

function checkPerLayer(value: unknown, option: string, below: number | undefined): void {
  if (typeof value === 'object' && value !== null) check.record(value, option, (v, o) => checkTarget(v, o, below));
  else checkTarget(value, option, below);
}

/** Throws `INVALID_OPTION` naming `schedule.*` if `schedule` is malformed. `below` bounds `initial` (exclusive). */
function checkSchedule(schedule: unknown, below: number | undefined): asserts schedule is PruneSchedule {
  check.object<Omit<PolynomialSchedule, 'kind'> & { kind: PruneSchedule['kind'] }>(schedule, 'schedule', SCHEDULE_KEYS);
  check.oneOf(schedule.kind, 'schedule.kind', ['constant', 'polynomial']);
  if (schedule.kind === 'constant') {
    check.that(schedule.initial === undefined && schedule.power === undefined, 'schedule', 'a constant schedule takes no initial or power');
    return;
  }
  if (schedule.initial !== undefined) checkTarget(schedule.initial, 'schedule.initial', below);
  if (schedule.power !== undefined) check.number(schedule.power, 'schedule.power', { above: 0 });
}

/** Throws `INVALID_OPTION` naming `retrain.*` (through `checks`, which names the stage) if `retrain` is malformed. */
export function checkRetrain(retrain: unknown, checks: OptionChecks = check): asserts retrain is RetrainOptions {
  checks.object<RetrainOptions>(retrain, 'retrain', RETRAIN_KEYS);
  checks.number(retrain.epochs, 'retrain.epochs', { integer: true, min: 0 });
  checks.number(retrain.learningRate, 'retrain.learningRate', { above: 0 });
  if (retrain.batchSize !== undefined) checks.number(retrain.batchSize, 'retrain.batchSize', { integer: true, min: 1 });
  if (retrain.optimizer !== undefined) checks.oneOf(retrain.optimizer, 'retrain.optimizer', OPTIMIZERS);
}

/**
 * Validates `options` and fills in defaults; throws `INVALID_OPTION` naming the option (unknown
 * keys included). Layer names are checked against the model by the stage's `checkModel`.
 */
export function resolveOptions(options: PruneLowMagnitudeOptions = {}): ResolvedOptions {
  check.object<PruneLowMagnitudeOptions>(options, 'options', KEYS);
  const given = (['quality', 'sparsity', 'globalSparsity'] as const).filter((k) => options[k] !== undefined);
  check.that(given.length <= 1, given[1] ?? 'sparsity', `give only one of quality, sparsity, globalSparsity (got ${given.join(', ')})`);
  const kind: TargetKind = given[0] ?? 'sparsity';
  const target: PerLayer = options[kind] ?? 0.5;
  if (kind === 'globalSparsity') checkTarget(target, kind, 1);
  else checkPerLayer(target, kind, kind === 'sparsity' ? 1 : undefined);

  const { layers, pruneBiases = false, rounds = 1, schedule = { kind: 'constant' }, retrain, evaluate = true } = options;
  if (layers !== undefined) check.names(layers, 'layers');
  check.boolean(pruneBiases, 'pruneBiases');
  check.boolean(evaluate, 'evaluate');
  check.number(rounds, 'rounds', { integer: true, min: 1 });
  checkSchedule(schedule, kind === 'quality' ? undefined : 1);
  if (retrain !== undefined) checkRetrain(retrain);
  const splicing = resolveSplicing(options.splicing);
  return { kind, target, ...(layers ? { layers: [...layers] } : {}), pruneBiases, rounds, schedule, ...(retrain ? { retrain } : {}), evaluate, ...(splicing ? { splicing } : {}) };
}

function resolveSplicing(splicing: unknown): { hysteresis: number } | undefined {
  if (splicing === undefined || splicing === false) return undefined;
  if (splicing === true) return { hysteresis: 0.1 };
  check.object<SplicingOptions>(splicing, 'splicing', SPLICING_KEYS);
  const { hysteresis = 0.1 } = splicing;
  check.number(hysteresis, 'splicing.hysteresis', { min: 0 });
  return { hysteresis };
}
