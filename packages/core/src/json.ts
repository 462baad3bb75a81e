/** A JSON value: what stage options and metrics must be, so they can go into the file and reports. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/** A JSON object: not an array, not null. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `String(v)`, or undefined where JavaScript cannot turn `v` into a string: a JSON object whose
 * `toString` and `valueOf` members are not functions makes `String` (and a template literal, and a
 * property lookup by it) throw a `TypeError`. For text built from untrusted JSON.
 */
export function textOf(v: unknown): string | undefined {
  try {
    return String(v);
  } catch {
    return undefined;
  }
}

/** `Number(v)`, or undefined where JavaScript cannot turn `v` into a number (see {@link textOf}). */
export function numberOf(v: unknown): number | undefined {
  try {
    return Number(v);
  } catch {
    return undefined;
  }
}

/** True when `value` survives `JSON.stringify` unchanged in meaning (plain data, no cycles). */
export function isJsonSerialisable(value: unknown, seen: Set<object> = new Set()): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === undefined) return true;
  if (typeof value !== 'object') return false;
  if (seen.has(value)) return false;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.every((v) => v !== undefined && isJsonSerialisable(v, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value).every((v) => isJsonSerialisable(v, seen));
  } finally {
    seen.delete(value);
  }
}
