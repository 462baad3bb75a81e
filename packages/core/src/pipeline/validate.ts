import type { ArtifactKey } from '../artifacts.js';
import { DcError } from '../errors/dc-error.js';
import { isJsonSerialisable } from '../json.js';
import type { Stage } from '../stage.js';

/** Checks that `stage` is a well-formed stage object; throws `INVALID_STAGE` / `OPTIONS_NOT_SERIALISABLE`. */
export function assertStage(stage: unknown): asserts stage is Stage {
  const s = stage as Partial<Stage> | null;
  const ok =
    typeof s === 'object' && s !== null && typeof s.name === 'string' && s.name.length > 0 &&
    Array.isArray(s.requires) && Array.isArray(s.provides) && typeof s.apply === 'function';
  if (!ok) throw new DcError('INVALID_STAGE', `not a stage: ${describe(stage)}`);
  if (!isJsonSerialisable(s.options)) {
    throw new DcError('OPTIONS_NOT_SERIALISABLE', `options of stage "${s.name}" are not plain JSON`, { stage: s.name });
  }
}

/**
 * Checks that every stage's `requires` is provided by an earlier stage or by the initial
 * artifacts; throws `MISSING_ARTIFACT` naming the stage and the key.
 */
export function assertRequirements(stages: readonly Stage[], initial: Iterable<ArtifactKey>): void {
  const available = new Set<ArtifactKey>(initial);
  for (const stage of stages) {
    for (const key of stage.requires) {
      if (!available.has(key)) {
        throw new DcError('MISSING_ARTIFACT', `stage "${stage.name}" requires artifact "${key}", which no earlier stage provides`, {
          stage: stage.name,
          hint: `Add a stage that provides "${key}" before "${stage.name}" (e.g. pruneLowMagnitude() provides "prune/masks").`,
        });
      }
    }
    for (const key of stage.provides) available.add(key);
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return `object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}
