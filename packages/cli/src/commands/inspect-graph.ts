/** `dc inspect <file>` for a GraphModel file (format version 4 to 6) or a LayersModel kept as given (8): per weight its dtype, shape, layout, kept elements, bits and bytes. */
import { open, readFile } from 'node:fs/promises';
import { DcError, describeContainer, fileReadError, formatByteTable, isGraphModelVersion, LAYERS_MODEL_RECORD_FORMAT_VERSION, MAGIC, type ContainerDescription, type Preprocessing } from '@dc/core';
import { decodeGraphModel } from '@dc/graph-model';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { renderTable } from '../format/table.js';
import { formatInspect, formatPreprocessing, inspectFile, keptOf, type InspectResult } from './inspect.js';

/** One weight of the per-weight table. */
export interface InspectedWeight {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly layout: string;
  readonly elements: number;
  /** Stored nonzero elements (int32 / bool: nonzero values). */
  readonly kept: number;
  /** Bits per code when clustered (of the codebook as stored: one per-channel scaled codebook's own entries), else null. */
  readonly bits: number | null;
  /** Bytes of its sections. */
  readonly bytes: number;
}

/** What `dc inspect --json` prints for a GraphModel file. */
export interface InspectGraphResult {
  /** A GraphModel's file, or a LayersModel's whose model.json it keeps as given (version 8). */
  readonly format: 'graph-model' | 'layers-model-as-given';
  readonly file: string;
  readonly fileBytes: number;
  /** Every weight as float32 (4 bytes per element). */
  readonly float32Bytes: number;
  readonly ratio: number;
  readonly stages: readonly string[];
  /** The input scaling the file records (`dc compress --input-scale` / `--input-offset`), or null. */
  readonly preprocessing: Preprocessing | null;
  readonly weights: readonly InspectedWeight[];
  readonly sections: ContainerDescription;
}

/**
 * Whether the `.dcm` bytes are a file that keeps a model.json record: a GraphModel's (format version
 * 4, 5 with per-channel scales, 6 with byte-plane floats) or a LayersModel's kept as given (8);
 * malformed files: false (the reader reports them).
 */
export function isGraphModelDcm(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && isGraphModelVersion(bytes[8]) && bytes[9] === 0;
}

/** Whether the `.dcm` bytes keep a LayersModel's model.json as given (format version 8). */
export function isLayersRecordDcm(bytes: Uint8Array): boolean {
  return isGraphModelDcm(bytes) && bytes[8] === LAYERS_MODEL_RECORD_FORMAT_VERSION;
}

/**
 * The first 10 bytes of the `.dcm` file at `path` (its magic and version): `FILE_NOT_FOUND`
 * where nothing is there, `BAD_MAGIC` where it is no `.dcm` file (a folder included; before a
 * command reads its flags by the kind of file it is).
 */
export async function readHead(path: string): Promise<Uint8Array> {
  const head = new Uint8Array(10);
  const handle = await open(path, 'r').catch((cause: unknown) => {
    throw fileReadError(path, cause, 'BAD_MAGIC', { hint: 'Check the path of the .dcm file.' });
  });
  // A folder opens, and fails when read.
  const { bytesRead } = await handle.read(head, 0, 10, 0).catch((cause: unknown) => {
    throw fileReadError(path, cause, 'BAD_MAGIC', { hint: 'Pass the path of a .dcm file.' });
  }).finally(() => handle.close());
  if (bytesRead < MAGIC.length || MAGIC.some((b, i) => head[i] !== b)) {
    throw new DcError('BAD_MAGIC', `${path} is not a .dcm file (it does not start with the .dcm magic bytes)`, { hint: 'Pass a file that dc compress wrote; a tfjs model.json is compressed first: dc compress model.json -o model.dcm.' });
  }
  return head;
}

/**
 * Bits per code of a weight's stored codebook, null without one. Not the decoded tensor's: with
 * per-channel scales it holds every channel's scaled copy of the codebook (channels × entries).
 */
function storedCodeBits(t: ContainerDescription['tensors'][number]): number | null {
  const codebook = t.streams.find((s) => s.role === 'codebook');
  return codebook ? Math.max(1, Math.ceil(Math.log2(codebook.count))) : null;
}

/** Inspects the GraphModel file whose bytes are `bytes` (read from `path`). */
export function inspectGraphBytes(path: string, bytes: Uint8Array): InspectGraphResult {
  const decoders = [huffmanDecoder, ransDecoder];
  const decoded = decodeGraphModel(bytes, { decoders });
  const sections = describeContainer(bytes, { decoders });
  const weights = decoded.tensors.map((t, i): InspectedWeight => {
    const elements = t.shape.reduce((a, b) => a * b, 1);
    const kept = t.dtype === 'float32' ? keptOf(t.tensor) : Array.from(t.values as ArrayLike<number>).filter((v) => v !== 0).length;
    return { name: t.name, dtype: t.dtype, shape: t.shape, layout: sections.tensors[i].layout, elements, kept, bits: storedCodeBits(sections.tensors[i]), bytes: sections.tensors[i].bytes };
  });
  const float32Bytes = 4 * weights.reduce((n, w) => n + w.elements, 0);
  return { format: decoded.graph.format === 'layers-model' ? 'layers-model-as-given' : 'graph-model', file: path, fileBytes: bytes.length, float32Bytes, ratio: float32Bytes / bytes.length, stages: decoded.stages.map((s) => s.name), preprocessing: decoded.preprocessing ?? null, weights, sections };
}

/** Inspects the GraphModel file at `path`. */
export async function inspectGraphFile(path: string): Promise<InspectGraphResult> {
  return inspectGraphBytes(path, new Uint8Array(await readFile(path)));
}

/** The human-readable report of {@link inspectGraphFile}. */
export function formatInspectGraph(r: InspectGraphResult): string {
  const pct = (n: number, d: number) => (d === 0 ? '' : `${((100 * n) / d).toFixed(1)}%`);
  const rows = r.weights.map((w) => [w.name, w.dtype, `[${w.shape.join(', ')}]`, w.layout, w.elements, pct(w.kept, w.elements), w.bits ?? '', w.bytes]);
  return [
    `${r.file}: tfjs ${r.format === 'graph-model' ? 'GraphModel' : 'LayersModel, its model.json kept as given'} (format version ${r.sections.version}), ${r.fileBytes.toLocaleString('en')} bytes, ${r.ratio.toFixed(1)}× smaller than its float32 weights (${r.float32Bytes.toLocaleString('en')} B); made by ${r.stages.join(' → ') || '(no provenance)'}`,
    `preprocessing: ${formatPreprocessing(r.preprocessing)}`,
    '',
    renderTable(['weight', 'dtype', 'shape', 'layout', 'elements', 'kept', 'bits', 'bytes'], rows),
    '',
    formatByteTable(r.sections),
  ].join('\n');
}

/** `dc inspect`: a GraphModel file (version 4 to 6), a LayersModel kept as given (8) or a layer-graph file, whichever `path` holds. */
export async function inspectAnyFile(path: string): Promise<InspectGraphResult | InspectResult> {
  if (!isGraphModelDcm(await readHead(path))) return inspectFile(path);
  return inspectGraphBytes(path, new Uint8Array(await readFile(path)));
}

/** The report of {@link inspectAnyFile}. */
export function formatInspectAny(r: InspectGraphResult | InspectResult): string {
  return 'format' in r ? formatInspectGraph(r) : formatInspect(r);
}
