/**
 * The compact header of format version 3 (docs/format.md §2.9): the same {@link ContainerHeader}
 * as versions 1 and 2, serialised in binary with every field that the model or the layout rules
 * fix left out (tensor keys and shapes, stream types, widths and most counts, offsets). The model
 * and the provenance stay JSON (the same objects as version 2); the provenance is optional.
 * Version 7 has the same header, in which a sparse-coded tensor may be seeded (descriptor bit 4:
 * `u32` seed and keep instead of `gapBits`, no `gaps` stream; docs/format.md §2.10).
 *
 * {@link readCompactHeader} rebuilds the JSON-shaped header, which then goes through the same
 * validation as a version 2 header: the header type stays the single source of the format.
 */
import { DcError } from '../errors/dc-error.js';
import { PARAM_NAMES } from '../ir/model.js';
import { checkGraph } from '../ops/check-graph.js';
import { OPSET } from '../ops/table.js';
import { bitsFor } from './bit-pack.js';
import { layoutSections } from './section-layout.js';
import { SEEDED_CONNECTIVITY_FORMAT_VERSION, SEEDED_STREAMS, type ContainerHeader, type StreamHeader, type StreamRole, type TensorHeader } from './header.js';

/** The format version whose header is compact (versions 1 and 2 have JSON headers). */
export const COMPACT_HEADER_VERSION = 3;

/**
 * Whether files of format `version` have the compact header: version 3, and version 7 (version 3
 * with seeded connectivity, docs/format.md §2.10).
 */
export function isCompactHeaderVersion(version: number): boolean {
  return version === COMPACT_HEADER_VERSION || version === SEEDED_CONNECTIVITY_FORMAT_VERSION;
}

const LAYOUTS = ['dense', 'dense-coded', 'sparse', 'sparse-coded'] as const;
/**
 * The order of a layout's streams in the data area (and in the compact header): the floats
 * (values or codebook) first, as the writer lays them out.
 */
const SECTION_ORDER: Readonly<Record<ContainerHeader['tensors'][number]['layout'], readonly StreamRole[]>> = {
  dense: ['values'],
  'dense-coded': ['codebook', 'codes'],
  sparse: ['values', 'gaps'],
  'sparse-coded': ['codebook', 'codes', 'gaps'],
};
/** The streams of a tensor in data-area order: a seeded tensor has no `gaps` (§2.10). */
function sectionOrder(t: Pick<TensorHeader, 'layout' | 'connectivity'>): readonly StreamRole[] {
  return t.connectivity ? SEEDED_STREAMS : SECTION_ORDER[t.layout];
}
/** Header flag: the provenance (`stages`) is present. */
const WITH_PROVENANCE = 1;
/** Tensor descriptor bits above the layout (bits 0-1). */
const COLUMN_ORDER = 4;
const FLOAT16 = 8;
/** Format version 7: the positions are seeded (sparse-coded, row order only); `u32` seed and keep replace `gapBits`. */
const SEEDED = 16;

function bad(message: string): never {
  throw new DcError('BAD_HEADER', `compact header: ${message}`);
}

/** Appends bytes, varints, strings and u32s. */
class ByteWriter {
  private readonly parts: number[] = [];
  byte(v: number): void {
    this.parts.push(v & 0xff);
  }
  varint(n: number): void {
    for (let v = n; ; v = Math.floor(v / 128)) {
      this.byte((v % 128) | (v >= 128 ? 0x80 : 0));
      if (v < 128) return;
    }
  }
  text(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.varint(bytes.length);
    for (const b of bytes) this.byte(b);
  }
  u32(v: number): void {
    for (let i = 0; i < 4; i++) this.byte(Math.floor(v / 2 ** (8 * i)));
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Reads what {@link ByteWriter} writes; `BAD_HEADER` past the end or on a malformed field. */
class ByteReader {
  private at = 0;
  constructor(private readonly data: Uint8Array) {}
  byte(): number {
    if (this.at >= this.data.length) bad('ends early');
    return this.data[this.at++];
  }
  /** A LEB128 varint in its shortest form, at most 2^32 - 1. */
  varint(): number {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) {
        if ((b === 0 && shift > 0) || n > 0xffffffff) bad('a varint is not in its shortest form or exceeds 2^32 - 1');
        return n;
      }
      if (shift >= 28) bad('a varint is too long');
    }
  }
  text(): string {
    const length = this.varint();
    if (length > this.data.length - this.at) bad('a string runs past the end');
    const bytes = this.data.subarray(this.at, this.at + length);
    this.at += length;
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (cause) {
      throw new DcError('BAD_HEADER', 'compact header: a string is not UTF-8', { cause });
    }
  }
  json(what: string): unknown {
    const text = this.text();
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new DcError('BAD_HEADER', `compact header: ${what} is not JSON`, { cause });
    }
  }
  u32(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) v += this.byte() * 2 ** (8 * i);
    return v;
  }
  end(): void {
    if (this.at !== this.data.length) bad(`${this.data.length - this.at} bytes after the last tensor`);
  }
}

/**
 * The compact form of `header`, whose tensors must be in the model's parameter order with their
 * sections laid out one after another ({@link layoutSections}), codes `bitsFor(codebook entries)`
 * wide and float streams `raw`: as `encodeContainer` writes them (what these rules fix is not
 * stored; the tests check that every header the writer makes reads back the same).
 */
export function writeCompactHeader(header: ContainerHeader): Uint8Array {
  const w = new ByteWriter();
  const provenance = header.stages.length > 0;
  w.byte(provenance ? WITH_PROVENANCE : 0);
  w.text(JSON.stringify({ opset: header.opset, model: header.model }));
  if (provenance) w.text(JSON.stringify(header.stages));
  const encodings = Object.keys(header.decoders);
  w.varint(encodings.length);
  for (const name of encodings) {
    w.text(name);
    w.text(header.decoders[name]);
  }
  w.varint(header.tensors.length);
  for (const t of header.tensors) {
    const streams = sectionOrder(t).map((role) => [role, t.streams[role]!] as const);
    const half = streams.some(([, s]) => s.type === 'f16');
    w.byte(LAYOUTS.indexOf(t.layout) | (t.order === 'column' ? COLUMN_ORDER : 0) | (half ? FLOAT16 : 0) | (t.connectivity ? SEEDED : 0));
    if (t.connectivity) {
      w.varint(t.entries!);
      w.u32(t.connectivity.seed);
      w.u32(t.connectivity.keep);
    } else if (t.entries !== undefined) {
      w.varint(t.entries);
      w.byte(t.gapBits!);
    }
    for (const [role, s] of streams) {
      if (role === 'codebook') w.varint(s.count);
      if (s.type === 'symbols') w.byte(s.encodings[0] === 'raw' ? 0 : 1 + encodings.indexOf(s.encodings[0]));
      if (role === 'gaps') w.varint(s.count);
      w.varint(s.length);
      w.u32(s.crc32);
    }
  }
  return w.bytes();
}

/** The parameter keys and shapes a model's nodes need, in file order (node order, then kernel, bias, ...). */
function parameters(opset: number, model: Record<string, unknown>): Array<{ key: string; shape: number[] }> {
  const graph = checkGraph({ inputShape: model.inputShape, inputName: model.inputName, layers: model.layers }, 'BAD_HEADER', { opset, params: false });
  return graph.nodes.flatMap((node) => PARAM_NAMES.filter((p) => node.params[p]).map((p) => ({ key: `${node.name}/${p}`, shape: [...node.params[p]!] })));
}

/**
 * Reads a compact header into the JSON-shaped header of versions 1 and 2 (to be validated like
 * one): `BAD_HEADER` on malformed bytes, `UNSUPPORTED_VERSION` for an op set beyond this code's.
 * `version` is the file's: seeded tensors (descriptor bit 4) are read in version 7 only.
 */
export function readCompactHeader(bytes: Uint8Array, version = COMPACT_HEADER_VERSION): unknown {
  const r = new ByteReader(bytes);
  const flags = r.byte();
  if ((flags & ~WITH_PROVENANCE) !== 0) bad(`unknown flags ${flags}`);
  const head = r.json('the model');
  if (typeof head !== 'object' || head === null || Array.isArray(head)) bad('the model part must be an object');
  const { opset, model, ...rest } = head as Record<string, unknown>;
  if (Object.keys(rest).length > 0) bad(`unknown field "${Object.keys(rest)[0]}" beside opset and model`);
  if (typeof opset !== 'number' || !Number.isInteger(opset) || opset < 1) bad('opset must be a positive integer');
  if (opset > OPSET) throw new DcError('UNSUPPORTED_VERSION', `the file needs op set ${opset}; this @dc/core implements op set ${OPSET}`, { hint: 'Upgrade @dc/core (and the runtime) to read this file.' });
  if (typeof model !== 'object' || model === null || Array.isArray(model)) bad('model must be an object');
  const stages = flags & WITH_PROVENANCE ? r.json('the provenance') : [];
  const decoders: Record<string, string> = {};
  const encodings = ['raw'];
  const count = r.varint();
  if (count > 255) bad(`${count} encodings (at most 255)`);
  for (let i = 0; i < count; i++) {
    const name = r.text();
    if (encodings.includes(name)) bad(`encoding "${name}" listed twice`);
    encodings.push(name);
    decoders[name] = r.text();
  }
  const params = parameters(opset, model as Record<string, unknown>);
  if (r.varint() !== params.length) bad(`the tensor count differs from the ${params.length} parameters of the model`);
  const tensors = params.map(({ key, shape }) => {
    const d = r.byte();
    const seededBit = version === SEEDED_CONNECTIVITY_FORMAT_VERSION ? SEEDED : 0;
    if (d & ~(3 | COLUMN_ORDER | FLOAT16 | seededBit)) bad(`tensor ${key}: unknown descriptor bits ${d}${d & SEEDED ? ' (bit 4, seeded connectivity, needs format version 7)' : ''}`);
    const layout = LAYOUTS[d & 3];
    const size = shape.reduce((a, b) => a * b, 1);
    const sparse = layout === 'sparse' || layout === 'sparse-coded';
    const seeded = (d & SEEDED) !== 0;
    if (d & COLUMN_ORDER && !sparse) bad(`tensor ${key}: column order on a dense layout`);
    if (seeded && (layout !== 'sparse-coded' || d & COLUMN_ORDER)) bad(`tensor ${key}: seeded connectivity needs the sparse-coded layout in row order (descriptor ${d})`);
    const entries = sparse ? r.varint() : size;
    const connectivity = seeded ? { seed: r.u32(), keep: r.u32() } : undefined;
    const gapBits = sparse && !seeded ? r.byte() : undefined;
    const float = d & FLOAT16 ? 'f16' : 'f32';
    let codebookCount = 0;
    const streams: Partial<Record<StreamRole, Omit<StreamHeader, 'offset'>>> = {};
    for (const role of sectionOrder({ layout, connectivity })) {
      if (role === 'codebook') codebookCount = r.varint();
      const symbols = role === 'codes' || role === 'gaps';
      const encoding = symbols ? encodings[r.byte()] ?? bad(`tensor ${key}: stream ${role} names an encoding not listed`) : 'raw';
      const streamCount = role === 'codebook' ? codebookCount : role === 'gaps' ? r.varint() : entries;
      const bits = role === 'codes' ? bitsFor(codebookCount) : role === 'gaps' ? gapBits : undefined;
      streams[role] = { type: symbols ? 'symbols' : float, ...(bits === undefined ? {} : { bits }), count: streamCount, encodings: [encoding], length: r.varint(), crc32: r.u32() };
    }
    const sparseFields = connectivity ? { entries, connectivity } : { entries, gapBits, ...(d & COLUMN_ORDER ? { order: 'column' } : {}) };
    return { key, shape, layout, ...(sparse ? sparseFields : {}), streams };
  });
  r.end();
  // The sections follow one another in header order, each at the next multiple of 8.
  const { offsets } = layoutSections(tensors.flatMap((t) => sectionOrder(t).map((role) => t.streams[role]!.length)));
  let next = 0;
  for (const t of tensors) for (const role of sectionOrder(t)) (t.streams[role] as { offset?: number }).offset = offsets[next++];
  return { opset, model, stages, decoders, tensors };
}
