/**
 * Forging a JSON document (a model.json, a header) by random edits, for fuzz tests: pick a member
 * anywhere in the tree by index and delete it or give it a value of another type or an odd number.
 * Pure and seedable by whatever draws the edits (fast-check in dc's own tests).
 */

/** One edit: member `at` (modulo the members the document has when it is applied) set to `JSON_EDIT_VALUES[value]`. */
export interface JsonEdit {
  readonly at: number;
  readonly value: number;
}

/**
 * The values an edit gives a member; `undefined` deletes it (in a list: sets `null`). The last is
 * an object JavaScript cannot turn into a string or a number (its `toString` and `valueOf` are not
 * functions: `String(v)` and `Number(v)` throw a `TypeError`), which JSON can hold.
 */
export const JSON_EDIT_VALUES: readonly unknown[] = [undefined, null, 0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, '', 'x', 'Const', 'int32', 'float32', true, [], {}, [null], [-1], [1, 2], { dtype: 'uint8' }, { toString: 0, valueOf: 0 }];

type Container = Record<string, unknown> | unknown[];
type Member = { container: Container; key: string | number; path: string };

/** Every member of `json`, depth first, with its dotted path. */
function members(json: Container, at = '', into: Member[] = []): Member[] {
  for (const key of Array.isArray(json) ? json.keys() : Object.keys(json)) {
    const path = `${at}${at ? '.' : ''}${key}`;
    into.push({ container: json, key, path });
    const v = (json as Record<string | number, unknown>)[key];
    if (typeof v === 'object' && v !== null) members(v as Container, path, into);
  }
  return into;
}

/**
 * Applies `edits` in turn to `json` (changed in place) and returns them as text
 * (`weightsManifest.0.weights.5.shape deleted`, `modelTopology.node.3 = null`), for a failure
 * message to say what was forged.
 */
export function applyJsonEdits(json: Record<string, unknown>, edits: readonly JsonEdit[]): string[] {
  return edits.flatMap(({ at, value }) => {
    const all = members(json);
    if (all.length === 0) return [];
    const { container, key, path } = all[at % all.length];
    const v = structuredClone(JSON_EDIT_VALUES[value % JSON_EDIT_VALUES.length]);
    if (v === undefined && !Array.isArray(container)) delete container[key as string];
    else (container as Record<string | number, unknown>)[key] = v ?? null;
    return [v === undefined ? `${path} deleted` : `${path} = ${JSON.stringify(v)}`];
  });
}
