/** The `training` record of a header (docs/format.md §7): the loss the model was trained with. */
import { LOSS_NAMES, type LossName, type TrainingRecord } from '../ir/training-record.js';
import { bad, noOtherFields, obj } from './validate-tensor.js';

/** The largest `huberDelta` a file may hold: far beyond any output's scale. */
const MAX_HUBER_DELTA = 1e6;

/**
 * Checks a `{ loss, fromLogits?, huberDelta? }` record at `what`: `loss` one of {@link LOSS_NAMES},
 * `fromLogits` a boolean, `huberDelta` (for `huber` only) a number in (0, 10^6]. `BAD_HEADER` otherwise.
 */
export function trainingOf(v: unknown, what: string): TrainingRecord {
  const o = obj(v, what);
  noOtherFields(o, ['loss', 'fromLogits', 'huberDelta'], what);
  if (!(LOSS_NAMES as readonly unknown[]).includes(o.loss)) bad(`${what}.loss must be one of ${LOSS_NAMES.join(', ')}`);
  const loss = o.loss as LossName;
  if (o.fromLogits !== undefined && typeof o.fromLogits !== 'boolean') bad(`${what}.fromLogits must be true or false`);
  if (o.huberDelta !== undefined) {
    if (loss !== 'huber') bad(`${what}.huberDelta is for the huber loss only`);
    if (typeof o.huberDelta !== 'number' || !(o.huberDelta > 0 && o.huberDelta <= MAX_HUBER_DELTA)) bad(`${what}.huberDelta must be a number in (0, ${MAX_HUBER_DELTA}]`);
  }
  return { loss, ...(o.fromLogits === undefined ? {} : { fromLogits: o.fromLogits as boolean }), ...(o.huberDelta === undefined ? {} : { huberDelta: o.huberDelta as number }) };
}
