/**
 * A GraphDef's node attributes, checked before tfjs-converter maps the graph. Its op mappers read
 * a list attribute as `attr.list.i` and a string as base64 `attr.s` without looking first: an
 * attribute in another form throws a `TypeError` or a `DOMException` from deep inside
 * `tf.loadGraphModel`. And they take a window's geometry as it comes: a zero stride or window
 * divides by zero, a window given as one number reads `NaN`, an unknown padding fails only when the
 * graph runs, and a zero window size computes `NaN`s without a word. Checked here so that a forged
 * file, or a model.json edited by hand, is refused naming the node and attribute
 * (docs/format.md §9.1). Geometry that TensorFlow accepts is left as it is, however odd (a stride
 * larger than the image: tfjs computes an empty output).
 */
import { isObject } from '../json.js';
import { graphNodes } from './graph-nodes.js';

type Json = Record<string, unknown>;

/** The members of a TensorFlow `AttrValue`'s `list` in JSON, each a list of what its name says. */
const LIST_MEMBERS = ['s', 'i', 'f', 'b', 'type', 'shape', 'tensor', 'func'] as const;

/** Attributes that give a window's geometry per axis (batch, spatial axes, channels): integers ≥ 1. */
const WINDOW_ATTRIBUTES = ['strides', 'ksize', 'dilations', 'rates'] as const;

/** Attributes tfjs reads as lists of integers, from `list` without looking first. */
const INTEGER_LIST_ATTRIBUTES: readonly string[] = [...WINDOW_ATTRIBUTES, 'explicit_paddings', 'ngram_widths'];

/** The paddings TensorFlow's windowed ops take. */
const PADDINGS = ['SAME', 'VALID', 'EXPLICIT'];

/** An int64 as TensorFlow's JSON writes it (a decimal string) or as a number; undefined for anything else. */
function int64(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  return typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : undefined;
}

/** The most character codes an attribute string may be given as (they name ops, paddings, formats; tfjs passes them all as arguments to one call). */
const MAX_CHARACTER_CODES = 1024;

/**
 * An attribute string as tfjs reads it: base64 text (TensorFlow's JSON), or a list of at most
 * {@link MAX_CHARACTER_CODES} character codes (which tfjs also takes); undefined for anything else
 * (`atob` runs in Node and browsers).
 */
function attrText(s: unknown): string | undefined {
  if (Array.isArray(s)) return s.length <= MAX_CHARACTER_CODES && s.every((c) => Number.isInteger(c) && c >= 0 && c <= 0xffff) ? s.map((c: number) => String.fromCharCode(c)).join('') : undefined;
  if (typeof s !== 'string') return undefined;
  try {
    return atob(s);
  } catch {
    return undefined;
  }
}

/** Whether tfjs can read `shape` as a `TensorShape` (its `dim`, where present, a list of objects: it reads each one's `size`). */
const isTensorShape = (shape: unknown): boolean => !isObject(shape) || shape.dim === undefined || shape.dim === null || (Array.isArray(shape.dim) && shape.dim.every(isObject));

/** Why `value` is not an `AttrValue` in JSON as tfjs reads one; undefined when it is. */
function attrFormProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not an object';
  if (value.s !== undefined && attrText(value.s) === undefined) return 'has an `s` that is neither base64 text nor character codes';
  if (!isTensorShape(value.shape)) return 'has a `shape` whose `dim` is not a list of objects';
  if (value.list === undefined) return undefined;
  if (!isObject(value.list)) return 'has a `list` that is not an object';
  const list = value.list;
  const bad = LIST_MEMBERS.find((m) => list[m] !== undefined && !Array.isArray(list[m]));
  if (bad) return `has a \`list.${bad}\` that is not a list`;
  if (Array.isArray(list.s) && !list.s.every((s) => attrText(s) !== undefined)) return 'has a `list.s` entry that is neither base64 text nor character codes';
  if (Array.isArray(list.shape) && !list.shape.every(isTensorShape)) return 'has a `list.shape` entry whose `dim` is not a list of objects';
  return undefined;
}

/** The integers of a list attribute as tfjs reads them (`list.f` where it has entries, else `list.i`); undefined where one is not an integer. */
function listInts(value: Json): number[] | undefined {
  const list = isObject(value.list) ? value.list : {};
  const entries = Array.isArray(list.f) && list.f.length > 0 ? list.f : Array.isArray(list.i) ? list.i : [];
  const ints = entries.map(int64);
  return ints.every((n) => n !== undefined) ? (ints as number[]) : undefined;
}

/** Why the window geometry of attribute `key` (already in `AttrValue` form) is not one TensorFlow takes; undefined when it is, or when `key` gives none. */
function geometryProblem(key: string, value: Json): string | undefined {
  if (INTEGER_LIST_ATTRIBUTES.includes(key) && !isObject(value.list)) return 'has no `list` (tfjs reads it as a list of integers)';
  if ((WINDOW_ATTRIBUTES as readonly string[]).includes(key)) {
    const ints = listInts(value);
    if (!ints || (ints.length !== 4 && ints.length !== 5) || ints.some((n) => n < 1)) return 'must list 4 (or 5) integers ≥ 1, one per axis';
  } else if (key === 'explicit_paddings') {
    const ints = listInts(value);
    if (!ints || ![0, 8, 10].includes(ints.length) || ints.some((n) => n < 0)) return 'must list 8 (or 10) integers ≥ 0, two per axis, or none';
  } else if (key === 'padding') {
    const padding = attrText(value.s);
    if (padding === undefined || !PADDINGS.includes(padding)) return `must be one of ${PADDINGS.join(', ')} (base64 in \`s\`)`;
  }
  return undefined;
}

/**
 * Why tfjs-converter cannot read, or TensorFlow would not take, an attribute of a node of
 * `topology` (a GraphDef in JSON): an attribute that is not an `AttrValue` in JSON (a `list` that
 * is not an object of lists, an `s` that is neither base64 nor character codes, a `shape` whose
 * `dim` is not a list of objects; an attribute tfjs reads as a list of integers without its
 * `list`), a `strides`, `ksize`, `dilations` or `rates` that is not 4 (or 5) integers ≥ 1, an
 * `explicit_paddings` that is not 8 (or 10) integers ≥ 0, or a `padding` other than SAME, VALID or
 * EXPLICIT; undefined when none. Nodes that are not objects with a string `name`, and an `attr`
 * that is not an object, are left to the checks that refuse them.
 */
export function graphAttributeProblem(topology: unknown): string | undefined {
  for (const node of graphNodes(topology)) {
    if (!isObject(node.attr)) continue;
    for (const [key, value] of Object.entries(node.attr)) {
      const problem = attrFormProblem(value) ?? geometryProblem(key, value as Json);
      // The op is named where it is a string (what is not is refused elsewhere; a JSON object may even have no primitive value).
      if (problem) return `node "${String(node.name)}"${typeof node.op === 'string' ? ` (${node.op})` : ''}: attribute ${key} ${problem}`;
    }
  }
  return undefined;
}
