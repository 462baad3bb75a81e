/**
 * The options of {@link pruneLowMagnitude} and their eager validation: a bad option fails when the
 * stage is made, not minutes into a pipeline run.
 */
import { assertOption } from '@dc/core';
import type { OptimizerName } from '@dc/core';
import { validateSchedule, type PruneSchedule } from './schedule.js';

/** The stage name, used in errors and reports. */
export const STAGE_NAME = 'dc:prune';

/**
 * A value for every pruned layer (`0.9`) or per layer name (`{ ip1: 0.92, ip2: 0.91 }`). In a
 * per-layer record the key `'*'` gives the value of layers not listed.
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
  /** Names of the layers to prune. Default: every dense and conv2d layer (or the layers named in a per-layer record). */
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
}

const KNOWN = new Set(['quality', 'sparsity', 'globalSparsity', 'layers', 'pruneBiases', 'rounds', 'schedule', 'retrain', 'evaluate']);
const OPTIMIZERS = new Set(['sgd', 'momentum', 'adam']);

function check(ok: boolean, option: string, message: string): asserts ok {
  assertOption(ok, option, message, STAGE_NAME);
}

function checkValue(value: unknown, option: string, max: number | undefined): void {
  check(typeof value === 'number' && Number.isFinite(value), option, `must be a finite number, got ${String(value)}`);
  check(value >= 0, option, `must not be negative, got ${value}`);
  if (max !== undefined) check(value < max, option, `must be less than ${max}, got ${value}`);
}

function checkPerLayer(value: PerLayer, option: string, max: number | undefined): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    check(entries.length > 0, option, 'per-layer record must name at least one layer');
    for (const [layer, v] of entries) checkValue(v, `${option}.${layer}`, max);
  } else {
    checkValue(value, option, max);
  }
}

/** Validates `options` and fills in defaults; throws `INVALID_OPTION` naming the option. */
export function resolveOptions(options: PruneLowMagnitudeOptions = {}): ResolvedOptions {
  check(typeof options === 'object' && options !== null, 'options', 'must be an object');
  for (const key of Object.keys(options)) check(KNOWN.has(key), key, `unknown option (known: ${[...KNOWN].join(', ')})`);
  const given = (['quality', 'sparsity', 'globalSparsity'] as const).filter((k) => options[k] !== undefined);
  check(given.length <= 1, given[1] ?? 'sparsity', `give only one of quality, sparsity, globalSparsity (got ${given.join(', ')})`);
  const kind: TargetKind = given[0] ?? 'sparsity';
  const target: PerLayer = options[kind] ?? 0.5;
  if (kind === 'globalSparsity') checkValue(target, kind, 1);
  else checkPerLayer(target, kind, kind === 'sparsity' ? 1 : undefined);

  const { layers, pruneBiases = false, rounds = 1, schedule = { kind: 'constant' }, retrain, evaluate = true } = options;
  if (layers !== undefined) {
    check(Array.isArray(layers) && layers.length > 0, 'layers', 'must be a non-empty array of layer names');
    check(layers.every((l) => typeof l === 'string' && l.length > 0), 'layers', 'every entry must be a layer name');
    check(new Set(layers).size === layers.length, 'layers', 'names must not repeat');
  }
  check(typeof pruneBiases === 'boolean', 'pruneBiases', 'must be true or false');
  check(typeof evaluate === 'boolean', 'evaluate', 'must be true or false');
  check(Number.isInteger(rounds) && rounds >= 1, 'rounds', `must be an integer ≥ 1, got ${String(rounds)}`);
  validateSchedule(schedule, kind === 'quality' ? undefined : 1, STAGE_NAME);
  if (retrain !== undefined) {
    check(typeof retrain === 'object' && retrain !== null, 'retrain', 'must be an object { epochs, learningRate }');
    check(Number.isInteger(retrain.epochs) && retrain.epochs >= 0, 'retrain.epochs', `must be an integer ≥ 0, got ${String(retrain.epochs)}`);
    check(typeof retrain.learningRate === 'number' && retrain.learningRate > 0 && Number.isFinite(retrain.learningRate), 'retrain.learningRate', `must be a positive number, got ${String(retrain.learningRate)}`);
    if (retrain.batchSize !== undefined) check(Number.isInteger(retrain.batchSize) && retrain.batchSize >= 1, 'retrain.batchSize', 'must be an integer ≥ 1');
    if (retrain.optimizer !== undefined) check(OPTIMIZERS.has(retrain.optimizer), 'retrain.optimizer', `must be one of ${[...OPTIMIZERS].join(', ')}`);
  }
  return { kind, target, ...(layers ? { layers: [...layers] } : {}), pruneBiases, rounds, schedule, ...(retrain ? { retrain } : {}), evaluate };
}
