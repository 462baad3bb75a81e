/**
 * The one option validator every stage uses, so options fail the same way everywhere: unknown keys
 * and wrong types are rejected when the stage is made, each with `INVALID_OPTION` naming the option
 * (`retrain.learningRate`, `sparsity.ip2`) and the stage. Layer names, which need the model, are
 * checked by {@link assertLayerNames} before the pipeline runs its first stage.
 *
 * Why a small helper rather than a schema library (zod, valibot, TypeBox + ajv were considered):
 * stage options are public API, written as TSDoc'd interfaces that the docs, the IDE and the
 * `.d.ts` files show. A schema library either repeats each interface as a schema (two definitions
 * that drift) or derives the interface from the schema (unreadable declarations, and the schema
 * library's types leak into every stage's public types). The checks that matter most are not
 * structural anyway: layer names against a model, one-of-three targets, per-layer records with a
 * `'*'` default. What a library would add (type and range checks) is the few lines below; the tie
 * to the interface is kept by the compiler instead: {@link OptionKeys} must list exactly the
 * interface's keys. And `@dc/core` stays free of dependencies a deployment would install for
 * nothing.
 */
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';

/**
 * Every key of an options interface, each mapped to `true`. Declaring the known keys with this type
 * makes the compiler check the list against the interface, so an option cannot be added to one and
 * forgotten in the other.
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** Bounds of a numeric option. */
export interface NumberRange {
  /** Must be an integer. */
  readonly integer?: boolean;
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** Must be greater than this (exclusive bound). */
  readonly above?: number;
  /** Must be less than this (exclusive bound). */
  readonly below?: number;
}

/**
 * The checks of one stage's options. Each throws `INVALID_OPTION` with `option` set to the path it
 * was given and `stage` to the stage. Declare the binding with its type, as TypeScript requires for
 * assertion methods: `const check: OptionChecks = optionChecks('my-pkg:stage')`.
 */
export interface OptionChecks {
  /** The stage these checks report. */
  readonly stage: string;
  /** Fails with `message` unless `ok`; `hint` (what to do) replaces the hint the checks were made with. */
  that(ok: boolean, option: string, message: string, hint?: string): asserts ok;
  /**
   * A plain object (not null, not an array) whose keys are all in `keys`. `option` is the path of
   * the object (`'options'` for the top level, `'retrain'` for a nested one); an unknown key is
   * reported as `<option>.<key>` (or `<key>` at the top level), listing the known ones. Keys whose
   * value is `undefined` are ignored, as JSON ignores them.
   */
  object<T extends object>(value: unknown, option: string, keys: OptionKeys<T>): asserts value is T;
  /** A finite number within `range`. */
  number(value: unknown, option: string, range?: NumberRange): asserts value is number;
  /** `true` or `false`. */
  boolean(value: unknown, option: string): asserts value is boolean;
  /** One of `allowed` (strings or numbers, compared with `===`). */
  oneOf<V extends string | number>(value: unknown, option: string, allowed: readonly V[]): asserts value is V;
  /** An array of distinct, non-empty strings (layer names, parameter keys); non-empty unless `allowEmpty`. */
  names(value: unknown, option: string, allowEmpty?: boolean): asserts value is string[];
  /**
   * A plain object of name → value (a per-layer record such as `{ ip1: 0.92 }`); `entry` checks each
   * value with the path `<option>.<name>`. Non-empty unless `allowEmpty`.
   */
  record(value: unknown, option: string, entry: (value: unknown, option: string) => void, allowEmpty?: boolean): asserts value is Record<string, unknown>;
}

/** A value as a message shows it: strings quoted, objects as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function rangeText(r: NumberRange): string {
  const parts = [
    r.min !== undefined ? `≥ ${r.min}` : '',
    r.above !== undefined ? `> ${r.above}` : '',
    r.max !== undefined ? `≤ ${r.max}` : '',
    r.below !== undefined ? `< ${r.below}` : '',
  ].filter(Boolean);
  return `${r.integer ? 'an integer' : 'a number'}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/**
 * Hints (what to do) of a component's options, by option path. An error about `augment.translate`
 * takes the hint of `augment.translate`, else that of the nearest enclosing path (`augment`).
 */
export type OptionHints = { readonly [option: string]: string };

function hintFor(hints: OptionHints, option: string): string | undefined {
  for (let path = option; ; path = path.slice(0, path.lastIndexOf('.'))) {
    if (Object.hasOwn(hints, path)) return hints[path];
    if (!path.includes('.')) return undefined;
  }
}

/**
 * The option checks of `stage` (e.g. `'dc:prune'`; or the component the options belong to, e.g.
 * `'dc:trainer'`). Errors carry the hint `hints` gives for their option path, if any.
 */
export function optionChecks(stage: string, hints: OptionHints = {}): OptionChecks {
  const that: OptionChecks['that'] = (ok, option, message, hint = hintFor(hints, option)) => {
    if (!ok) throw new DcError('INVALID_OPTION', `option "${option}" of stage "${stage}": ${message}`, { option, stage, ...(hint === undefined ? {} : { hint }) });
  };
  const checks: OptionChecks = {
    stage,
    that,
    object(value, option, keys) {
      const top = option === 'options';
      that(isObject(value), option, `must be an object, got ${describeValue(value)}`);
      const known = Object.keys(keys);
      for (const [key, v] of Object.entries(value)) {
        if (v !== undefined && !known.includes(key)) that(false, top ? key : `${option}.${key}`, `unknown option (known: ${known.join(', ')})`);
      }
    },
    number(value, option, range = {}) {
      const ok =
        typeof value === 'number' && Number.isFinite(value) &&
        (!range.integer || Number.isInteger(value)) &&
        (range.min === undefined || value >= range.min) &&
        (range.max === undefined || value <= range.max) &&
        (range.above === undefined || value > range.above) &&
        (range.below === undefined || value < range.below);
      that(ok, option, `must be ${rangeText(range)}, got ${describeValue(value)}`);
    },
    boolean(value, option) {
      that(typeof value === 'boolean', option, `must be true or false, got ${describeValue(value)}`);
    },
    oneOf(value, option, allowed) {
      that((allowed as readonly unknown[]).includes(value), option, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describeValue(value)}`);
    },
    names(value, option, allowEmpty = false) {
      that(Array.isArray(value) && (allowEmpty || value.length > 0), option, `must be ${allowEmpty ? 'an' : 'a non-empty'} array of names, got ${describeValue(value)}`);
      that(value.every((n) => typeof n === 'string' && n.length > 0), option, 'every entry must be a non-empty string');
      that(new Set(value).size === value.length, option, 'names must not repeat');
    },
    record(value, option, entry, allowEmpty = false) {
      that(isObject(value), option, `must be an object of name → value, got ${describeValue(value)}`);
      const entries = Object.entries(value);
      that(allowEmpty || entries.length > 0, option, 'must name at least one layer');
      for (const [name, v] of entries) entry(v, `${option}.${name}`);
    },
  };
  return checks;
}
