/**
 * How artifacts flow through a pipeline: which stage provides each, and which become stale when a
 * later stage changes the weights they describe. Checked from the stage order alone, before
 * anything runs, so an ordering that would write a file inconsistent with the model (clustering
 * before pruning) is a validation error, not a warning at the end of a long run.
 */
import type { ArtifactKey } from '../artifacts.js';
import { DcError } from '../errors/dc-error.js';
import type { Stage, WeightChange } from '../stage.js';

/** Which weight changes make the built-in artifacts stale (a stage's `invalidatedBy` overrides). */
export const builtInInvalidation: { readonly [K in ArtifactKey]?: readonly WeightChange[] } = {
  'prune/masks': ['zeros'],
  'quantize/codebooks': ['values', 'zeros'],
  'encode/file': ['values', 'zeros', 'biases'],
};

interface Held {
  /** The stage that provided it, or `run() options` for initial artifacts. */
  readonly provider: string;
  readonly invalidatedBy: readonly WeightChange[];
}

function invalidation(stage: Stage | undefined, key: ArtifactKey): readonly WeightChange[] {
  const declared = (stage?.invalidatedBy as { readonly [k: string]: readonly WeightChange[] | undefined } | undefined)?.[key];
  return declared ?? builtInInvalidation[key] ?? [];
}

function staleError(stage: Stage, key: ArtifactKey, held: Held, changer: Stage): DcError {
  const changes = (changer.changes ?? []).join(' and ');
  return new DcError(
    'STALE_ARTIFACT',
    `stage "${stage.name}" ${stage.requires.includes(key) ? 'requires' : 'uses'} artifact "${key}" from "${held.provider}", but stage "${changer.name}" after it changes the weights' ${changes}, so "${key}" no longer describes the model`,
    {
      stage: stage.name,
      hint: `Run "${changer.name}" before "${held.provider}" (e.g. prune, then cluster, then encode), or run "${held.provider}" again after "${changer.name}".`,
    },
  );
}

/** Options of {@link planArtifactFlow}. */
export interface ArtifactFlowOptions {
  /**
   * Treat a requirement nothing provides as given to `run()` (for checks at `use()` time, before
   * the initial artifacts are known); otherwise it is `MISSING_ARTIFACT`.
   */
  readonly assumeInitial?: boolean;
}

/**
 * Walks the stages in order with the `initial` artifacts. Throws `MISSING_ARTIFACT` when a stage
 * requires an artifact no earlier stage (or `initial`) provides, and `STALE_ARTIFACT` when a stage
 * requires or uses an artifact that a stage between its provider and it made stale. Returns, per
 * stage, the artifact keys that are stale after it (the pipeline drops them).
 */
export function planArtifactFlow(stages: readonly Stage[], initial: Iterable<ArtifactKey>, options: ArtifactFlowOptions = {}): ArtifactKey[][] {
  const held = new Map<ArtifactKey, Held>([...initial].map((key) => [key, { provider: 'run() options', invalidatedBy: invalidation(undefined, key) }]));
  const stale = new Map<ArtifactKey, { held: Held; changer: Stage }>();
  return stages.map((stage) => {
    for (const key of [...stage.requires, ...(stage.uses ?? [])]) {
      const gone = stale.get(key);
      if (gone) throw staleError(stage, key, gone.held, gone.changer);
    }
    for (const key of stage.requires) {
      if (held.has(key)) continue;
      if (options.assumeInitial) {
        held.set(key, { provider: 'run() options', invalidatedBy: invalidation(undefined, key) });
        continue;
      }
      throw new DcError('MISSING_ARTIFACT', `stage "${stage.name}" requires artifact "${key}", which no earlier stage provides`, {
        stage: stage.name,
        hint: `Add a stage that provides "${key}" before "${stage.name}" (e.g. pruneLowMagnitude() provides "prune/masks"), or pass it in run()'s artifacts.`,
      });
    }
    const dropped: ArtifactKey[] = [];
    const changes = stage.changes ?? [];
    for (const [key, h] of held) {
      if (stage.provides.includes(key) || !h.invalidatedBy.some((c) => changes.includes(c))) continue;
      held.delete(key);
      stale.set(key, { held: h, changer: stage });
      dropped.push(key);
    }
    for (const key of stage.provides) {
      held.set(key, { provider: stage.name, invalidatedBy: invalidation(stage, key) });
      stale.delete(key);
    }
    return dropped;
  });
}
