/**
 * The loss and metrics a model was compiled with, as `model.compile` names them in tfjs
 * (`'categoricalCrossentropy'`) or Keras writes them into model.json (`'categorical_crossentropy'`,
 * or `{ class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true } }`).
 */
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';
import { LOSS_NAMES, type LossName, type TrainingRecord } from '../ir/training-record.js';

export { LOSS_NAMES, type LossName } from '../ir/training-record.js';

/** The metrics the trainer reports (tfjs's names); `accuracy` resolves by the loss as Keras does. */
export type MetricName = 'accuracy' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy' | 'binaryAccuracy' | 'meanSquaredError' | 'meanAbsoluteError';

/** Every {@link MetricName}. */
export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'binaryAccuracy', 'meanSquaredError', 'meanAbsoluteError'];

/** What `model.compile` said, as far as training here needs it. */
export interface CompileConfig {
  /** The loss; absent when the model was saved uncompiled. */
  readonly loss?: LossName;
  /** Whether the loss takes logits (Keras `from_logits`); absent when the config does not say. */
  readonly fromLogits?: boolean;
  /** `huber`'s delta (Keras' `Huber(delta=...)`); absent: 1, Keras' default. */
  readonly huberDelta?: number;
  readonly metrics?: readonly MetricName[];
  /** Losses or metrics the config named that the trainer does not compute (left out, listed here). */
  readonly unsupported?: readonly string[];
  /** The loss the config named, when the trainer does not compute it (also in `unsupported`): never replaced by another. */
  readonly unsupportedLoss?: string;
}

const LOSS_ALIASES: Readonly<Record<string, LossName>> = {
  categoricalcrossentropy: 'categoricalCrossentropy',
  sparsecategoricalcrossentropy: 'sparseCategoricalCrossentropy',
  binarycrossentropy: 'binaryCrossentropy',
  meansquarederror: 'meanSquaredError',
  mse: 'meanSquaredError',
  meanabsoluteerror: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  huber: 'huber',
  huberloss: 'huber',
  logcosh: 'logcosh',
  meanabsolutepercentageerror: 'meanAbsolutePercentageError',
  mape: 'meanAbsolutePercentageError',
  meansquaredlogarithmicerror: 'meanSquaredLogarithmicError',
  msle: 'meanSquaredLogarithmicError',
  poisson: 'poisson',
  kullbackleiblerdivergence: 'kullbackLeiblerDivergence',
  kldivergence: 'kullbackLeiblerDivergence',
  kld: 'kullbackLeiblerDivergence',
  cosineproximity: 'cosineProximity',
  cosinesimilarity: 'cosineProximity',
  hinge: 'hinge',
  squaredhinge: 'squaredHinge',
  categoricalhinge: 'categoricalHinge',
};

const METRIC_ALIASES: Readonly<Record<string, MetricName>> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  categoricalaccuracy: 'categoricalAccuracy',
  sparsecategoricalaccuracy: 'sparseCategoricalAccuracy',
  binaryaccuracy: 'binaryAccuracy',
  meansquarederror: 'meanSquaredError',
  mse: 'meanSquaredError',
  meanabsoluteerror: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
};

const squash = (name: string) => name.replace(/[_\s-]/g, '').toLowerCase();

/** A loss name in any spelling (`categorical_crossentropy`, `mse`, ...), or undefined if not one the trainer computes. */
export function lossName(name: string): LossName | undefined {
  return LOSS_ALIASES[squash(name)];
}

/** A metric name in any spelling (`acc`, `sparse_categorical_accuracy`, ...), or undefined. */
export function metricName(name: string): MetricName | undefined {
  return METRIC_ALIASES[squash(name)];
}

/** A Keras metric entry: a string, `{ class_name, config: { name, fn } }`, or lists of those. */
function metricNames(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry];
  if (Array.isArray(entry)) return entry.flatMap(metricNames);
  if (isObject(entry)) {
    const config = isObject(entry.config) ? entry.config : {};
    const name = [config.fn, config.name, entry.class_name].find((n) => typeof n === 'string' && metricName(n) !== undefined);
    return [String(name ?? config.name ?? entry.class_name)];
  }
  return [];
}

/**
 * `INVALID_OPTION` when `compile` names a loss the trainer lacks (`unsupportedLoss`), listing those
 * it computes: such a model is never trained by another loss in its place. `hint` says what the
 * caller can do instead.
 */
export function refuseUnsupportedLoss(compile: CompileConfig | undefined, hint: string): void {
  if (compile?.unsupportedLoss === undefined) return;
  throw new DcError('INVALID_OPTION', `the model was compiled with loss ${compile.unsupportedLoss}, which dc's trainer does not compute (it computes ${LOSS_NAMES.join(', ')})`, { option: 'loss', hint });
}

/** Reads a model.json training config (tfjs `trainingConfig` or Keras `training_config`). */
export function readCompileConfig(config: Record<string, unknown>): CompileConfig {
  const unsupported: string[] = [];
  let loss: LossName | undefined;
  let fromLogits: boolean | undefined;
  let huberDelta: number | undefined;
  let unsupportedLoss: string | undefined;
  const rawLoss = Array.isArray(config.loss) && config.loss.length === 1 ? config.loss[0] : config.loss;
  if (typeof rawLoss === 'string') {
    loss = lossName(rawLoss);
    if (!loss) unsupportedLoss = rawLoss;
  } else if (isObject(rawLoss) && typeof rawLoss.class_name === 'string') {
    loss = lossName(rawLoss.class_name);
    if (!loss) unsupportedLoss = rawLoss.class_name;
    const lossConfig = isObject(rawLoss.config) ? rawLoss.config : {};
    if (typeof lossConfig.from_logits === 'boolean') fromLogits = lossConfig.from_logits;
    if (loss === 'huber' && typeof lossConfig.delta === 'number') huberDelta = lossConfig.delta;
  } else if (rawLoss != null) {
    unsupportedLoss = `loss ${JSON.stringify(rawLoss).slice(0, 80)} (one output, one loss is supported)`;
  }
  if (unsupportedLoss !== undefined) unsupported.push(unsupportedLoss);
  const metrics: MetricName[] = [];
  for (const name of metricNames(config.metrics ?? [])) {
    const m = metricName(name);
    if (m && !metrics.includes(m)) metrics.push(m);
    else if (!m) unsupported.push(name);
  }
  return {
    ...(loss ? { loss } : {}),
    ...(fromLogits === undefined ? {} : { fromLogits }),
    ...(huberDelta === undefined ? {} : { huberDelta }),
    metrics,
    ...(unsupported.length > 0 ? { unsupported } : {}),
    ...(unsupportedLoss === undefined ? {} : { unsupportedLoss }),
  };
}

/** The record a file keeps of `compile`'s loss (`Model.training`), or undefined when it names none. */
export function trainingRecordOf(compile: CompileConfig): TrainingRecord | undefined {
  if (!compile.loss) return undefined;
  return { loss: compile.loss, ...(compile.fromLogits === undefined ? {} : { fromLogits: compile.fromLogits }), ...(compile.huberDelta === undefined ? {} : { huberDelta: compile.huberDelta }) };
}
