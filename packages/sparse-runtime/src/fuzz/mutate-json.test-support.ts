/**
 * Structure-aware mutations of a parsed `.dcm` header: whatever fields it has (so new layer kinds
 * and fields are fuzzed without changing this file), pick one and change its value, its type or
 * its presence, or swap it with another field of the same name. Values come from edge numbers,
 * the strings and fields seen in the seed files (kinds, activations, layouts, ...) and nested junk.
 */
import { textOf, type RandomSource } from '@dc/core';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

/** Where a value sits: its parent and its key there. */
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
  readonly name: string;
}

/** What mutations draw from: strings, member names and values seen in the seeds, and junk. */
export interface MutationPool {
  readonly strings: readonly string[];
  /** Values seen under each member name (e.g. every `config` object, every `kind`). */
  readonly byName: ReadonlyMap<string, readonly Json[]>;
  /** Nested JSON junk (from fast-check's `jsonValue`). */
  readonly junk: readonly Json[];
}

/**
 * A marker string that the serialiser replaces by a raw JSON literal, for numbers JSON.stringify
 * cannot write: `1e400` parses as Infinity, `-0` as negative zero.
 */
export const RAW = '\u0000raw:';
const RAW_LITERALS = ['1e400', '-1e400', '-0', '1.0', '2e0', '0.5e1', '1e-400'];

/** `header` as JSON text, with the {@link RAW} markers spliced in as literals. */
export function serialise(header: Json): string {
  return JSON.stringify(header).replace(/"\\u0000raw:([^"]*)"/g, '$1');
}

const EDGE_NUMBERS = [0, 1, -1, 2, 3, 7, 8, 15, 16, 17, 255, 256, 65535, 65536, 65537, 2 ** 28, 2 ** 28 + 1, 2 ** 29, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 + 2, -(2 ** 31), 1e308, -1e308, 5e-324, 0.5, 1.5, -0.5];
const ODD_STRINGS = ['', 'NaN', 'Infinity', '-Infinity', '-1', '1e400', '0x10', 'null', '__proto__', 'constructor', '\u0000', '\ud800', 'é', 'relu ', 'RELU'];

function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const visit = (v: Json, name: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push({ parent: v, key: i, name });
        visit(x, name);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        out.push({ parent: v, key: k, name: k });
        visit(x, k);
      }
    }
  };
  visit(root, '');
  return out;
}

const get = (s: Slot): Json => (s.parent as Record<string | number, Json>)[s.key];
const set = (s: Slot, v: Json): void => {
  (s.parent as Record<string | number, Json>)[s.key] = v;
};
const pick = <T>(r: RandomSource, xs: readonly T[]): T => xs[r.int(xs.length)];
/** A copy of a junk value (the pool's own must stay untouched). */
const junk = (r: RandomSource, pool: MutationPool): Json => structuredClone(pick(r, pool.junk));

/** A number near `v` or at an edge of some range. */
function edgeNumber(r: RandomSource, v: Json): Json {
  const n = typeof v === 'number' ? v : 0;
  const near = [n + 1, n - 1, n * 2, Math.floor(n / 2), -n, n + 8, n - 8, n + 0.5];
  if (r.next() < 0.1) return RAW + pick(r, RAW_LITERALS);
  return r.next() < 0.5 ? pick(r, near) : pick(r, EDGE_NUMBERS);
}

/** An object JavaScript cannot turn into a string or a number: `String()` and `Number()` throw on it. */
const UNCONVERTIBLE: Json = { toString: 0, valueOf: 0 };

/** A value of another type standing for `v`. */
function otherType(r: RandomSource, v: Json, pool: MutationPool): Json {
  const choices: Json[] = [null, true, false, textOf(v) ?? '', [v], { value: v }, pick(r, ODD_STRINGS), junk(r, pool), [], {}, [[[v]]], structuredClone(UNCONVERTIBLE)];
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) choices.push(Number(v));
  return pick(r, choices);
}

/** One mutation of `header` (edited in place); returns what it did, for reports. */
export function mutateJson(r: RandomSource, header: Json, pool: MutationPool): string {
  const all = slots(header);
  if (all.length === 0) return 'empty header';
  const s = pick(r, all);
  const v = get(s);
  const op = r.int(10);
  switch (op) {
    case 0:
    case 1:
      set(s, typeof v === 'number' || r.next() < 0.3 ? edgeNumber(r, v) : r.next() < 0.5 ? pick(r, pool.strings) : pick(r, ODD_STRINGS));
      return `value of ${s.name}`;
    case 2:
      set(s, otherType(r, v, pool));
      return `type of ${s.name}`;
    case 3:
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
      return `removed ${s.name}`;
    case 4: {
      // Same-named value from elsewhere (a seed, or this header): kinds, configs, streams, shapes swap.
      const seen = pool.byName.get(s.name);
      if (seen?.length) set(s, structuredClone(pick(r, seen)));
      return `replaced ${s.name} by a seen one`;
    }
    case 5: {
      const peers = all.filter((t) => t.name === s.name && t !== s);
      if (peers.length === 0) return 'no peer';
      // Clones: one may contain the other, and a swap must not make the tree cyclic.
      const t = pick(r, peers);
      const w = structuredClone(get(t));
      set(t, structuredClone(v));
      set(s, w);
      return `swapped two ${s.name}`;
    }
    case 6:
      if (Array.isArray(s.parent)) {
        const copies = r.next() < 0.9 ? 1 : 1 + r.int(64);
        s.parent.splice(s.key as number, 0, ...Array.from({ length: copies }, () => structuredClone(v)));
        return `duplicated ${s.name}`;
      }
      s.parent[pick(r, [...pool.byName.keys()])] = r.next() < 0.5 ? structuredClone(v) : junk(r, pool);
      return 'added a member';
    case 7:
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        const name = pick(r, [...pool.byName.keys()]);
        const seen = pool.byName.get(name)!;
        v[name] = structuredClone(pick(r, seen));
        return `added ${name} to ${s.name}`;
      }
      set(s, edgeNumber(r, v));
      return `value of ${s.name}`;
    case 8:
      if (Array.isArray(v) && v.length > 1) {
        const i = r.int(v.length);
        const j = r.int(v.length);
        [v[i], v[j]] = [v[j], v[i]];
        return `reordered ${s.name}`;
      }
      set(s, junk(r, pool));
      return `junk for ${s.name}`;
    default:
      set(s, pick(r, pool.strings));
      return `string for ${s.name}`;
  }
}

/** The pool of the seed headers: their strings, their values by member name, and `junk`. */
export function mutationPool(headers: readonly Json[], junk: readonly Json[]): MutationPool {
  const strings = new Set<string>();
  const byName = new Map<string, Json[]>();
  for (const h of headers) {
    for (const s of slots(h)) {
      const v = get(s);
      if (typeof v === 'string') strings.add(v);
      if (typeof s.key === 'string') byName.set(s.name, [...(byName.get(s.name) ?? []), v]);
    }
  }
  return { strings: [...strings], byName, junk };
}
