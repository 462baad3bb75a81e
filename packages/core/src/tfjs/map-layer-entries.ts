/**
 * A copy-on-write walk over a model.json topology that rewrites layer entries (`{ class_name,
 * config }`, wrapped layers included): how Keras layers tfjs cannot build are renamed to dc's own
 * tfjs layers that compute them.
 */
import { isObject } from '../json.js';

/** Deeper than this, a topology is not searched further (the topology checks refuse it). */
const MAX_DEPTH = 64;

/**
 * `v` with every layer entry that `rewrite` answers (the entry it returns) replaced, inner entries
 * first: a copy where one is, `v` itself where none is. `rewrite` returns undefined to keep an entry.
 */
export function mapLayerEntries(v: unknown, rewrite: (entry: Record<string, unknown> & { class_name: string; config: Record<string, unknown> }) => Record<string, unknown> | undefined, depth = 0): unknown {
  if (depth > MAX_DEPTH || !(Array.isArray(v) || isObject(v))) return v;
  if (Array.isArray(v)) {
    const items = v.map((x) => mapLayerEntries(x, rewrite, depth + 1));
    return items.every((x, i) => x === v[i]) ? v : items;
  }
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(v)) {
    const next = mapLayerEntries(value, rewrite, depth + 1);
    if (next !== value) (out ??= { ...v })[key] = next;
  }
  const entry = out ?? v;
  if (typeof entry.class_name !== 'string' || !isObject(entry.config)) return entry;
  return rewrite(entry as Record<string, unknown> & { class_name: string; config: Record<string, unknown> }) ?? entry;
}
