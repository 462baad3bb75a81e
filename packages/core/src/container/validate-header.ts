/**
 * Checks a parsed JSON header field by field, so that a malformed or hostile header gives
 * `BAD_HEADER` (any field; so the order of these checks does not matter) and then, from the
 * section table, `OUT_OF_BOUNDS` or `BAD_HEADER` (section-table.ts): never a wrong model or an
 * unhandled exception later.
 */
import type { LayerTopology, StageProvenance } from '../compressed.js';
import { DcError } from '../errors/dc-error.js';
import type { LayerKind } from '../ir/model.js';
import { LAYOUT_STREAMS, SECTION_ALIGNMENT, type ContainerHeader, type StreamHeader, type StreamRole, type TensorHeader } from './header.js';
import { MAX_CODEBOOK_ENTRIES, MAX_FILE_BYTES, MAX_TENSOR_ELEMENTS } from './limits.js';
import { checkSectionTable } from './section-table.js';

const LAYER_KINDS: readonly LayerKind[] = ['dense', 'conv2d', 'maxPool2d', 'avgPool2d', 'flatten', 'activation', 'dropout', 'reshape'];

function bad(message: string, tensor?: string): never {
  throw new DcError('BAD_HEADER', message, tensor === undefined ? {} : { tensor });
}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} must be an object`);
  return v as Obj;
}

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) bad(`${what} must be an array`);
  return v;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') bad(`${what} must be a string`);
  return v;
}

function int(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(`${what} must be an integer in [${min}, ${max}]`);
  return v;
}

function shapeOf(v: unknown, what: string): number[] {
  const shape = arr(v, what).map((d, i) => int(d, `${what}[${i}]`, 0, MAX_TENSOR_ELEMENTS));
  if (shape.reduce((a, b) => a * b, 1) > MAX_TENSOR_ELEMENTS) bad(`${what} has more than 2^28 elements`);
  return shape;
}

function layerOf(v: unknown, i: number): LayerTopology {
  const o = obj(v, `model.layers[${i}]`);
  const config = obj(o.config, `model.layers[${i}].config`);
  if (!LAYER_KINDS.includes(config.kind as LayerKind)) bad(`model.layers[${i}].config.kind "${String(config.kind)}" is not a known layer kind`);
  return { name: str(o.name, `model.layers[${i}].name`), config: config as unknown as LayerTopology['config'] };
}

function streamOf(v: unknown, what: string, key: string): StreamHeader {
  const o = obj(v, what);
  const type = o.type;
  if (type !== 'symbols' && type !== 'f32' && type !== 'f16') bad(`${what}.type must be "symbols", "f32" or "f16"`, key);
  const bits = type === 'symbols' ? int(o.bits, `${what}.bits`, 1, 16) : undefined;
  const encodings = arr(o.encodings, `${what}.encodings`).map((e, i) => str(e, `${what}.encodings[${i}]`));
  if (encodings.length !== 1) bad(`${what}.encodings must hold exactly one encoding in format v1`, key);
  const offset = int(o.offset, `${what}.offset`, 0, MAX_FILE_BYTES);
  const length = int(o.length, `${what}.length`, 0, MAX_FILE_BYTES);
  if (offset % SECTION_ALIGNMENT !== 0) bad(`${what}.offset ${offset} is not a multiple of ${SECTION_ALIGNMENT}`, key);
  return {
    type,
    ...(bits === undefined ? {} : { bits }),
    count: int(o.count, `${what}.count`, 0, 2 * MAX_TENSOR_ELEMENTS),
    encodings,
    offset,
    length,
    crc32: int(o.crc32, `${what}.crc32`, 0, 2 ** 32 - 1),
  };
}

function tensorOf(v: unknown, i: number, layers: ReadonlySet<string>): TensorHeader {
  const o = obj(v, `tensors[${i}]`);
  const key = str(o.key, `tensors[${i}].key`);
  const slash = key.lastIndexOf('/');
  const param = key.slice(slash + 1);
  if (slash < 0 || !layers.has(key.slice(0, slash)) || (param !== 'kernel' && param !== 'bias')) bad(`tensor key "${key}" is not <layer>/kernel or <layer>/bias of a layer in the model`, key);
  const shape = shapeOf(o.shape, `tensor ${key}: shape`);
  const size = shape.reduce((a, b) => a * b, 1);
  const layout = o.layout;
  if (layout !== 'dense' && layout !== 'dense-coded' && layout !== 'sparse' && layout !== 'sparse-coded') bad(`tensor ${key}: unknown layout "${String(layout)}"`, key);
  const sparse = layout === 'sparse' || layout === 'sparse-coded';
  const entries = sparse ? int(o.entries, `tensor ${key}: entries`, 0, size) : undefined;
  const gapBits = sparse ? int(o.gapBits, `tensor ${key}: gapBits`, 1, 16) : undefined;
  const order = o.order ?? 'row';
  if (order !== 'row' && order !== 'column') bad(`tensor ${key}: order must be "row" or "column"`, key);
  if (order === 'column' && (!sparse || shape.length < 2)) bad(`tensor ${key}: column order needs a sparse layout and at least 2 dimensions`, key);
  const so = obj(o.streams, `tensor ${key}: streams`);
  const roles = LAYOUT_STREAMS[layout];
  for (const role of Object.keys(so)) if (!roles.includes(role as StreamRole)) bad(`tensor ${key}: layout ${layout} has no "${role}" stream`, key);
  const streams: Partial<Record<StreamRole, StreamHeader>> = {};
  for (const role of roles) streams[role] = streamOf(so[role], `tensor ${key}: stream ${role}`, key);
  const expect = (role: StreamRole, check: (s: StreamHeader) => boolean, what: string): void => {
    if (!check(streams[role]!)) bad(`tensor ${key}: stream ${role} must be ${what}`, key);
  };
  const n = sparse ? entries! : size;
  if (streams.values) expect('values', (s) => s.type !== 'symbols' && s.count === n, `f32 or f16 with ${n} values`);
  if (streams.codebook) expect('codebook', (s) => s.type !== 'symbols' && s.count >= 1 && s.count <= MAX_CODEBOOK_ENTRIES, `f32 or f16 with 1 to ${MAX_CODEBOOK_ENTRIES} entries`);
  if (streams.codes) expect('codes', (s) => s.type === 'symbols' && s.count === n && streams.codebook!.count <= 2 ** s.bits!, `symbols, ${n} of them, wide enough for the codebook`);
  if (streams.gaps) {
    // Fillers advance by M = 2^gapBits - 1 and never past the N elements: at most floor((N - entries) / M) of them.
    const most = n + Math.floor((size - n) / (2 ** gapBits! - 1));
    expect('gaps', (s) => s.type === 'symbols' && s.bits === gapBits && s.count >= n && s.count <= most, `symbols of gapBits bits, ${n} to ${most} gap symbols`);
  }
  return { key, shape, layout, ...(sparse ? { entries, gapBits, order } : {}), streams };
}

/** Validates the parsed header of a file whose data area holds `dataLength` bytes. */
export function validateHeader(json: unknown, dataLength: number): ContainerHeader {
  const root = obj(json, 'header');
  const model = obj(root.model, 'model');
  const layers = arr(model.layers, 'model.layers').map(layerOf);
  const names = new Set(layers.map((l) => l.name));
  if (names.size !== layers.length) bad('model.layers has duplicate names');
  const stages: StageProvenance[] = arr(root.stages, 'stages').map((s, i) => {
    const o = obj(s, `stages[${i}]`);
    return { name: str(o.name, `stages[${i}].name`), options: o.options ?? null };
  });
  const decoders: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(root.decoders, 'decoders'))) decoders[k] = str(v, `decoders.${k}`);
  const tensors = arr(root.tensors, 'tensors').map((t, i) => tensorOf(t, i, names));
  if (new Set(tensors.map((t) => t.key)).size !== tensors.length) bad('tensors has duplicate keys');
  checkSectionTable(tensors, dataLength);
  return {
    model: { name: str(model.name, 'model.name'), inputShape: shapeOf(model.inputShape, 'model.inputShape'), layers },
    stages,
    decoders,
    tensors,
  };
}
