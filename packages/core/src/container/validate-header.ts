/**
 * Checks a parsed JSON header field by field, so that a malformed or hostile header gives
 * `BAD_HEADER` (any field; so the order of these checks does not matter) and then, from the
 * section table, `OUT_OF_BOUNDS` or `BAD_HEADER` (section-table.ts): never a wrong model or an
 * unhandled exception later.
 */
import type { StageProvenance } from '../compressed.js';
import { DcError } from '../errors/dc-error.js';
import type { Preprocessing } from '../ir/model.js';
import { checkGraph, type ResolvedGraph } from '../ops/check-graph.js';
import type { Shape } from '../ops/op-spec.js';
import { show } from '../ops/config-reader.js';
import { OPSET } from '../ops/table.js';
import { LAYOUT_STREAMS, SECTION_ALIGNMENT, type ContainerHeader, type ModelHeader, type StreamHeader, type StreamRole, type TensorHeader } from './header.js';
import { MAX_CODEBOOK_ENTRIES, MAX_FILE_BYTES, MAX_TENSOR_ELEMENTS } from './limits.js';
import { checkSectionTable } from './section-table.js';

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

function tensorOf(v: unknown, i: number, expected: ReadonlyMap<string, Shape>): TensorHeader {
  const o = obj(v, `tensors[${i}]`);
  const key = str(o.key, `tensors[${i}].key`);
  const want = expected.get(key);
  if (!want) bad(`tensor key "${key}" is not a parameter of a node in the model (see each kind's parameters in docs/format.md §6)`, key);
  const shape = shapeOf(o.shape, `tensor ${key}: shape`);
  if (shape.length !== want.length || shape.some((d, j) => d !== want[j])) bad(`tensor ${key}: shape [${shape.join(', ')}] does not match its node, which needs [${want.join(', ')}]`, key);
  const size = shape.reduce((a, b) => a * b, 1);
  const layout = o.layout;
  if (layout !== 'dense' && layout !== 'dense-coded' && layout !== 'sparse' && layout !== 'sparse-coded') bad(`tensor ${key}: unknown layout ${show(layout)}`, key);
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

const MODEL_FIELDS = ['name', 'inputShape', 'inputName', 'layers', 'preprocessing'];

function noOtherFields(o: Obj, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) bad(`${what} has an unknown field "${key}"`);
}

function preprocessingOf(v: unknown, inputShape: readonly number[]): Preprocessing {
  const o = obj(v, 'model.preprocessing');
  noOtherFields(o, ['scale', 'offset'], 'model.preprocessing');
  const channels = inputShape[inputShape.length - 1];
  const list = (x: unknown, what: string): number[] => {
    const a = arr(x, what);
    if (a.length !== 1 && a.length !== channels) bad(`${what} must hold 1 or ${channels} (one per channel) numbers`);
    return a.map((n, i) => {
      if (typeof n !== 'number' || !Number.isFinite(n)) bad(`${what}[${i}] must be a finite number`);
      return n;
    });
  };
  const scale = list(o.scale, 'model.preprocessing.scale');
  const offset = list(o.offset, 'model.preprocessing.offset');
  if (scale.length !== offset.length) bad('model.preprocessing.scale and offset must have the same length');
  return { scale, offset };
}

/** Checks the model part: topology through the op table, under the file's op set. */
function modelOf(v: unknown, opset: number): { model: ModelHeader; graph: ResolvedGraph } {
  const model = obj(v, 'model');
  noOtherFields(model, MODEL_FIELDS, 'model');
  const name = str(model.name, 'model.name');
  const graph = checkGraph({ inputShape: model.inputShape, inputName: model.inputName, layers: model.layers }, 'BAD_HEADER', { opset, params: false });
  return {
    graph,
    model: {
      name,
      inputShape: graph.inputShape,
      ...(model.inputName === undefined ? {} : { inputName: graph.inputName }),
      layers: graph.layers,
      ...(model.preprocessing === undefined ? {} : { preprocessing: preprocessingOf(model.preprocessing, graph.inputShape) }),
    },
  };
}

/**
 * Validates the parsed header of a file of format `version` whose data area holds `dataLength`
 * bytes: every field, the topology through the op table, and that the tensors are exactly the
 * parameters the nodes need, with their shapes.
 */
export function validateHeader(json: unknown, dataLength: number, version = 2): ContainerHeader {
  const root = obj(json, 'header');
  const opset = version === 1 ? (root.opset === undefined ? 1 : bad('a version 1 header has no opset')) : int(root.opset, 'opset', 1, 65535);
  if (opset > OPSET) {
    throw new DcError('UNSUPPORTED_VERSION', `the file needs op set ${opset}; this @dc/core implements op set ${OPSET}`, { hint: 'Upgrade @dc/core (and the runtime) to read this file.' });
  }
  const { model, graph } = modelOf(root.model, opset);
  const expected = new Map<string, Shape>();
  for (const node of graph.nodes) for (const [param, shape] of Object.entries(node.params)) expected.set(`${node.name}/${param}`, shape!);
  const stages: StageProvenance[] = arr(root.stages, 'stages').map((s, i) => {
    const o = obj(s, `stages[${i}]`);
    return { name: str(o.name, `stages[${i}].name`), options: o.options ?? null };
  });
  const decoders: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(root.decoders, 'decoders'))) decoders[k] = str(v, `decoders.${k}`);
  const tensors = arr(root.tensors, 'tensors').map((t, i) => tensorOf(t, i, expected));
  const keys = new Set(tensors.map((t) => t.key));
  if (keys.size !== tensors.length) bad('tensors has duplicate keys');
  const missing = [...expected.keys()].filter((k) => !keys.has(k));
  if (missing.length > 0) bad(`tensors lacks ${missing.map((k) => `"${k}"`).join(', ')}, which the model's nodes need`, missing[0]);
  checkSectionTable(tensors, dataLength);
  return { opset, model, stages, decoders, tensors };
}
