/** The `preprocessing` record of a header (docs/format.md §7 for layer graphs, §9.1 for GraphModels): `x = raw · scale + offset`. */
import type { Preprocessing } from '../ir/model.js';
import { arr, bad, noOtherFields, obj } from './validate-tensor.js';

/**
 * Checks a `{ scale, offset }` record at `what`: two arrays of finite numbers of one length, 1 (all
 * channels) or `channels` (one per channel); any length of at least 1 where `channels` is not known
 * (a GraphModel's input is not read from its header). `BAD_HEADER` otherwise.
 */
export function preprocessingOf(v: unknown, what: string, channels?: number): Preprocessing {
  const o = obj(v, what);
  noOtherFields(o, ['scale', 'offset'], what);
  const list = (x: unknown, field: string): number[] => {
    const a = arr(x, field);
    if (channels === undefined ? a.length === 0 : a.length !== 1 && a.length !== channels) bad(`${field} must hold 1${channels === undefined ? ' or more' : ` or ${channels} (one per channel)`} numbers`);
    return a.map((n, i) => {
      if (typeof n !== 'number' || !Number.isFinite(n)) bad(`${field}[${i}] must be a finite number`);
      return n;
    });
  };
  const scale = list(o.scale, `${what}.scale`);
  const offset = list(o.offset, `${what}.offset`);
  if (scale.length !== offset.length) bad(`${what}.scale and offset must have the same length`);
  return { scale, offset };
}
