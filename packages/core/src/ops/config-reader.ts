/**
 * Field-by-field reading of an untrusted node configuration (a file header, a hand-built IR
 * model): every field typed and bounded, unknown fields rejected, each failure a `DcError` naming
 * the field. The same reader serves the file (`BAD_HEADER`) and in-memory models (`INVALID_MODEL`).
 */
import { DcError } from '../errors/dc-error.js';

/** The code a failed check throws: `BAD_HEADER` for files, `INVALID_MODEL` for IR models. */
export type ValidationCode = 'BAD_HEADER' | 'INVALID_MODEL';

/** Largest extent of one axis, window or channel count (2^24: far beyond real models, small enough to multiply safely). */
export const MAX_EXTENT = 2 ** 24;

/** Throws the validation error for `where`. */
export function fail(code: ValidationCode, where: string, message: string): never {
  throw new DcError(code, `${where}: ${message}`, { tensor: where.split(/[.[ ]/)[0] });
}

/** Reads the fields of one configuration object; {@link ConfigReader.done} rejects the ones not read. */
export class ConfigReader {
  private readonly seen = new Set<string>(['kind']);

  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    /** Where the object is, for messages: `model.layers[3] "conv1".config`. */
    readonly where: string,
    readonly code: ValidationCode,
  ) {}

  /** Throws this reader's error about field `field` (or the whole object). */
  fail(message: string, field?: string): never {
    return fail(this.code, field === undefined ? this.where : `${this.where}.${field}`, message);
  }

  private take(field: string): unknown {
    this.seen.add(field);
    return this.raw[field];
  }

  /** True when the field is present (not `undefined`); does not consume it. */
  has(field: string): boolean {
    return this.raw[field] !== undefined;
  }

  /** An integer in `[min, max]`; `fallback` when absent and one is given. */
  int(field: string, min: number, max: number, fallback?: number): number {
    const v = this.take(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(`must be an integer in [${min}, ${max}], got ${show(v)}`, field);
    return v;
  }

  /** A finite number in `[min, max]`; `fallback` when absent and one is given. */
  num(field: string, min: number, max: number, fallback?: number): number {
    const v = this.take(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(`must be a finite number in [${min}, ${max}], got ${show(v)}`, field);
    return v;
  }

  /** A finite number, or `undefined` when absent. */
  optionalNum(field: string, min: number, max: number): number | undefined {
    return this.has(field) ? this.num(field, min, max) : (this.take(field), undefined);
  }

  /** A boolean; `fallback` when absent and one is given. */
  bool(field: string, fallback?: boolean): boolean {
    const v = this.take(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(`must be true or false, got ${show(v)}`, field);
    return v;
  }

  /** One of `values`; `fallback` when absent and one is given. */
  oneOf<T extends string>(field: string, values: readonly T[], fallback?: T): T {
    const v = this.take(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (!values.includes(v as T)) this.fail(`must be one of ${values.map((s) => `"${s}"`).join(', ')}, got ${show(v)}`, field);
    return v as T;
  }

  /** Two integers in `[min, MAX_EXTENT]`; `fallback` when absent and one is given. */
  pair(field: string, min: number, fallback?: readonly [number, number]): readonly [number, number] {
    const v = this.take(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (!Array.isArray(v) || v.length !== 2) this.fail(`must be an array of two integers, got ${show(v)}`, field);
    return [intAt(this, field, v, 0, min), intAt(this, field, v, 1, min)];
  }

  /** Two pairs of integers in `[min, MAX_EXTENT]`: `[[a, b], [c, d]]`. */
  pairOfPairs(field: string, min: number): readonly [readonly [number, number], readonly [number, number]] {
    const v = this.take(field);
    const ok = Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2);
    if (!ok) this.fail(`must be [[a, b], [c, d]], got ${show(v)}`, field);
    const rows = v as unknown[][];
    return [
      [intAt(this, `${field}[0]`, rows[0], 0, min), intAt(this, `${field}[0]`, rows[0], 1, min)],
      [intAt(this, `${field}[1]`, rows[1], 0, min), intAt(this, `${field}[1]`, rows[1], 1, min)],
    ];
  }

  /** An array of 1 to `maxLength` integers in `[min, max]`. */
  ints(field: string, min: number, max: number, maxLength: number): number[] {
    const v = this.take(field);
    if (!Array.isArray(v) || v.length < 1 || v.length > maxLength) this.fail(`must be an array of 1 to ${maxLength} integers, got ${show(v)}`, field);
    return v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) this.fail(`must be an integer in [${min}, ${max}], got ${show(x)}`, `${field}[${i}]`);
      return x;
    });
  }

  /** Rejects every field that was not read. */
  done(): void {
    for (const key of Object.keys(this.raw)) if (!this.seen.has(key) && this.raw[key] !== undefined) this.fail(`unknown field "${key}" for kind "${String(this.raw.kind)}"`);
  }
}

function intAt(r: ConfigReader, field: string, v: unknown[], i: number, min: number): number {
  const x = v[i];
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > MAX_EXTENT) r.fail(`must be an integer in [${min}, ${MAX_EXTENT}], got ${show(x)}`, `${field}[${i}]`);
  return x;
}

/** A short, safe rendering of an untrusted value for messages. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}
