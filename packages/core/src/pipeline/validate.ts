import { DcError } from '../errors/dc-error.js';
import { isJsonSerialisable } from '../json.js';
import type { Stage } from '../stage.js';

const WEIGHT_CHANGES: readonly unknown[] = ['values', 'zeros', 'biases'];

/** Checks that `stage` is a well-formed stage object; throws `INVALID_STAGE` / `OPTIONS_NOT_SERIALISABLE`. */
export function assertStage(stage: unknown): asserts stage is Stage {
  const s = stage as Partial<Stage> | null;
  const ok =
    typeof s === 'object' && s !== null && typeof s.name === 'string' && s.name.length > 0 &&
    Array.isArray(s.requires) && Array.isArray(s.provides) && typeof s.apply === 'function';
  if (!ok) throw new DcError('INVALID_STAGE', `not a stage: ${describe(stage)}`);
  const optional = [
    ['uses', s.uses === undefined || Array.isArray(s.uses)],
    ['changes', s.changes === undefined || (Array.isArray(s.changes) && s.changes.every((c) => WEIGHT_CHANGES.includes(c)))],
    ['invalidatedBy', s.invalidatedBy === undefined || (typeof s.invalidatedBy === 'object' && s.invalidatedBy !== null)],
    ['checkModel', s.checkModel === undefined || typeof s.checkModel === 'function'],
  ] as const;
  for (const [field, good] of optional) {
    if (!good) throw new DcError('INVALID_STAGE', `stage "${s.name}": "${field}" is malformed`, { stage: s.name, hint: 'See the Stage interface: changes is an array of "values" / "zeros", checkModel a function.' });
  }
  if (!isJsonSerialisable(s.options)) {
    throw new DcError('OPTIONS_NOT_SERIALISABLE', `options of stage "${s.name}" are not plain JSON`, { stage: s.name });
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return `object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}
