/**
 * The checks of one header field shared by every format version: JSON shapes (`BAD_HEADER` on any
 * deviation), the provenance and decoders records, and a tensor entry with its streams against
 * its layout (docs/format.md §2.2-§2.4; §9 adds `dtype` and the `i32` / `u8` value streams of
 * version 4, §9.6 the integer-range codebooks of version 9). The layer-graph and the GraphModel validators both build on these, so a tensor entry
 * means the same in every version.
 */
import type { StageProvenance } from '../compressed.js';
import { DcError } from '../errors/dc-error.js';
import { show } from '../ops/config-reader.js';
import type { SeededConnectivity } from '../connectivity.js';
import { isFloatType, LAYOUT_STREAMS, SECTION_ALIGNMENT, SEEDED_STREAMS, type StreamHeader, type StreamRole, type TensorDtype, type TensorHeader } from './header.js';
import { isChannelCount } from './channel-scales.js';
import { MAX_CODEBOOK_ENTRIES, MAX_FILE_BYTES, MAX_TENSOR_ELEMENTS } from './limits.js';
import { RAW_ENCODING, RANGE_ENCODING } from './stream-codec.js';

/** Throws `BAD_HEADER` with `message` (naming `tensor` when given). */
export function bad(message: string, tensor?: string): never {
  throw new DcError('BAD_HEADER', message, tensor === undefined ? {} : { tensor });
}

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** `v` as a JSON object, else `BAD_HEADER` naming `what`. */
export function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} must be an object`);
  return v as Obj;
}

/** `v` as an array, else `BAD_HEADER`. */
export function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) bad(`${what} must be an array`);
  return v;
}

/** `v` as a string, else `BAD_HEADER`. */
export function str(v: unknown, what: string): string {
  if (typeof v !== 'string') bad(`${what} must be a string`);
  return v;
}

/** `v` as an integer in [min, max], else `BAD_HEADER`. */
export function int(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(`${what} must be an integer in [${min}, ${max}]`);
  return v;
}

/** `BAD_HEADER` when `o` has a member outside `allowed`. */
export function noOtherFields(o: Obj, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) bad(`${what} has an unknown field "${key}"`);
}

/** A tensor shape: extents 0..2^28, at most 2^28 elements in all (§3). */
export function shapeOf(v: unknown, what: string): number[] {
  const shape = arr(v, what).map((d, i) => int(d, `${what}[${i}]`, 0, MAX_TENSOR_ELEMENTS));
  if (shape.reduce((a, b) => a * b, 1) > MAX_TENSOR_ELEMENTS) bad(`${what} has more than 2^28 elements`);
  return shape;
}

/** The `stages` (provenance) and `decoders` records of a header. */
export function provenanceOf(root: Obj): { stages: StageProvenance[]; decoders: Record<string, string> } {
  const stages: StageProvenance[] = arr(root.stages, 'stages').map((s, i) => {
    const o = obj(s, `stages[${i}]`);
    return { name: str(o.name, `stages[${i}].name`), options: o.options ?? null };
  });
  const decoders: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(root.decoders, 'decoders'))) decoders[k] = str(v, `decoders.${k}`);
  return { stages, decoders };
}

/** The value stream type of each non-float dtype (format version 4). */
const INTEGER_STREAMS: Readonly<Record<Exclude<TensorDtype, 'float32'>, 'i32' | 'u8'>> = { int32: 'i32', bool: 'u8' };

function streamOf(v: unknown, what: string, key: string, integers: boolean): StreamHeader {
  const o = obj(v, what);
  const type = o.type;
  const types = integers ? ['symbols', 'f32', 'f16', 'i32', 'u8'] : ['symbols', 'f32', 'f16'];
  if (!types.includes(type as string)) bad(`${what}.type must be ${types.map((t) => `"${t}"`).join(', ')}`, key);
  const bits = type === 'symbols' ? int(o.bits, `${what}.bits`, 1, 16) : undefined;
  const encodings = arr(o.encodings, `${what}.encodings`).map((e, i) => str(e, `${what}.encodings[${i}]`));
  if (encodings.length !== 1) bad(`${what}.encodings must hold exactly one encoding in format v1`, key);
  const offset = int(o.offset, `${what}.offset`, 0, MAX_FILE_BYTES);
  const length = int(o.length, `${what}.length`, 0, MAX_FILE_BYTES);
  if (offset % SECTION_ALIGNMENT !== 0) bad(`${what}.offset ${offset} is not a multiple of ${SECTION_ALIGNMENT}`, key);
  return {
    type: type as StreamHeader['type'],
    ...(bits === undefined ? {} : { bits }),
    count: int(o.count, `${what}.count`, 0, 2 * MAX_TENSOR_ELEMENTS),
    encodings,
    offset,
    length,
    crc32: int(o.crc32, `${what}.crc32`, 0, 2 ** 32 - 1),
  };
}

/** What a validator knows about a tensor entry before reading it. */
export interface TensorRules {
  /** Checks the entry's key and declared shape (throws `BAD_HEADER`); layer files: the node's parameter shape. */
  readonly checkKey: (key: string, shape: readonly number[]) => void;
  /** Format version 4: the entry has a `dtype`, and `int32` / `bool` tensors store `i32` / `u8` values. */
  readonly dtypes: boolean;
  /** Format version 5: a coded tensor may carry a `scales` stream (per-channel scales, §9.3). */
  readonly scales?: boolean;
  /** Format version 6: a float stream may be stored as coded byte planes (§9.4); before, float streams are raw. */
  readonly floatPlanes?: boolean;
  /** Format version 7: a `sparse-coded` tensor may carry seeded `connectivity` (§2.10); before, the field is refused. */
  readonly seeded?: boolean;
  /** Format version 9: an `f32` codebook may be stored as an integer range (encoding `range`, §9.6); elsewhere and before, `range` is refused. */
  readonly integerRanges?: boolean;
}

/** A tensor's `connectivity` member (§2.10): `seed` 0..2^32 − 1, `keep` 1..2^32 − 1, nothing else. */
function connectivityOf(v: unknown, key: string): SeededConnectivity {
  const o = obj(v, `tensor ${key}: connectivity`);
  noOtherFields(o, ['seed', 'keep'], `tensor ${key}: connectivity`);
  return { seed: int(o.seed, `tensor ${key}: connectivity.seed`, 0, 2 ** 32 - 1), keep: int(o.keep, `tensor ${key}: connectivity.keep`, 1, 2 ** 32 - 1) };
}

/** Checks tensor entry `i` of a header (`BAD_HEADER`) and returns it. */
export function tensorOf(v: unknown, i: number, rules: TensorRules): TensorHeader {
  const o = obj(v, `tensors[${i}]`);
  const key = str(o.key, `tensors[${i}].key`);
  const shape = shapeOf(o.shape, `tensor ${key}: shape`);
  rules.checkKey(key, shape);
  let dtype: TensorDtype | undefined;
  if (rules.dtypes) {
    if (o.dtype !== 'float32' && o.dtype !== 'int32' && o.dtype !== 'bool') bad(`tensor ${key}: dtype must be "float32", "int32" or "bool"`, key);
    dtype = o.dtype;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const layout = o.layout;
  if (layout !== 'dense' && layout !== 'dense-coded' && layout !== 'sparse' && layout !== 'sparse-coded') bad(`tensor ${key}: unknown layout ${show(layout)}`, key);
  if (dtype !== undefined && dtype !== 'float32' && layout !== 'dense') bad(`tensor ${key}: a ${dtype} tensor has the dense layout`, key);
  const sparse = layout === 'sparse' || layout === 'sparse-coded';
  if (o.connectivity !== undefined) {
    if (!rules.seeded) bad(`tensor ${key}: connectivity needs format version 7`, key);
    if (layout !== 'sparse-coded') bad(`tensor ${key}: connectivity needs the sparse-coded layout, not ${layout}`, key);
    if (o.gapBits !== undefined || o.order !== undefined) bad(`tensor ${key}: a seeded tensor has no gapBits and no order (its positions are in row order)`, key);
  }
  const connectivity = o.connectivity === undefined ? undefined : connectivityOf(o.connectivity, key);
  const entries = sparse ? int(o.entries, `tensor ${key}: entries`, 0, size) : undefined;
  const gapBits = sparse && !connectivity ? int(o.gapBits, `tensor ${key}: gapBits`, 1, 16) : undefined;
  const order = o.order ?? 'row';
  if (order !== 'row' && order !== 'column') bad(`tensor ${key}: order must be "row" or "column"`, key);
  if (order === 'column' && (!sparse || shape.length < 2)) bad(`tensor ${key}: column order needs a sparse layout and at least 2 dimensions`, key);
  const so = obj(o.streams, `tensor ${key}: streams`);
  const roles = connectivity ? SEEDED_STREAMS : LAYOUT_STREAMS[layout];
  const scaled = rules.scales === true && (layout === 'dense-coded' || layout === 'sparse-coded') && so.scales !== undefined;
  for (const role of Object.keys(so)) if (!roles.includes(role as StreamRole) && !(scaled && role === 'scales')) bad(`tensor ${key}: layout ${layout} has no "${role}" stream`, key);
  const streams: Partial<Record<StreamRole, StreamHeader>> = {};
  for (const role of scaled ? [...roles, 'scales' as const] : roles) streams[role] = streamOf(so[role], `tensor ${key}: stream ${role}`, key, rules.dtypes);
  const expect = (role: StreamRole, check: (s: StreamHeader) => boolean, what: string): void => {
    if (!check(streams[role]!)) bad(`tensor ${key}: stream ${role} must be ${what}`, key);
  };
  const n = sparse ? entries! : size;
  if (dtype !== undefined && dtype !== 'float32') {
    const type = INTEGER_STREAMS[dtype];
    expect('values', (s) => s.type === type && s.count === n && s.encodings[0] === 'raw', `raw ${type} with ${n} values`);
  } else if (streams.values) {
    expect('values', (s) => isFloatType(s.type) && s.count === n, `f32 or f16 with ${n} values`);
  }
  for (const [role, s] of Object.entries(streams)) {
    if (s!.encodings[0] !== RANGE_ENCODING) continue;
    if (!rules.integerRanges) bad(`tensor ${key}: stream ${role} is an integer range ("range"), which needs format version 9 (a GraphModel's record)`, key);
    if (role !== 'codebook' || s!.type !== 'f32') bad(`tensor ${key}: only an f32 codebook may be an integer range, not a ${s!.type} ${role} stream`, key);
  }
  for (const [role, s] of Object.entries(streams)) {
    if (isFloatType(s!.type) && s!.encodings[0] !== RAW_ENCODING && !rules.floatPlanes) bad(`tensor ${key}: stream ${role} is a float stream, stored raw before format version 6`, key);
  }
  if (streams.codebook) expect('codebook', (s) => isFloatType(s.type) && s.count >= 1 && s.count <= MAX_CODEBOOK_ENTRIES, `f32 or f16 with 1 to ${MAX_CODEBOOK_ENTRIES} entries`);
  if (streams.scales) expect('scales', (s) => isFloatType(s.type) && isChannelCount(shape, s.count), 'f32 or f16 with one value per channel (the product of the last j extents of the shape)');
  if (streams.codes) expect('codes', (s) => s.type === 'symbols' && s.count === n && streams.codebook!.count <= 2 ** s.bits!, `symbols, ${n} of them, wide enough for the codebook`);
  if (streams.gaps) {
    // Fillers advance by M = 2^gapBits - 1 and never past the N elements: at most floor((N - entries) / M) of them.
    const most = n + Math.floor((size - n) / (2 ** gapBits! - 1));
    expect('gaps', (s) => s.type === 'symbols' && s.bits === gapBits && s.count >= n && s.count <= most, `symbols of gapBits bits, ${n} to ${most} gap symbols`);
  }
  const sparseFields = connectivity ? { entries, connectivity } : { entries, gapBits, order: order as 'row' | 'column' };
  return { key, ...(dtype === undefined ? {} : { dtype }), shape, layout, ...(sparse ? sparseFields : {}), streams };
}
