/**
 * The file benchmark: each `.dcm` file beside the same weights stored densely, one byte per
 * weight, and compressed by a general-purpose compressor (what a web server does for free):
 * gzip -9 and brotli -11 from Node's zlib. Also each file's byte table (`describeContainer`).
 *
 * The dense form, per tensor in file order: a coded tensor (codebook indices) is its codebook then
 * one byte per element, 0 for a pruned element and 1 + its codebook index otherwise (two bytes,
 * little-endian, past 255 centroids); a float tensor (biases) is its values. Floats are in the
 * precision the `.dcm` stores them (float32, or float16 where the file has `f16` streams), so both
 * sides hold the same information. Every parameter the `.dcm` stores is in it, nothing else (no
 * topology).
 *
 * Also each file's model re-written with no entropy coder, with each coder alone and with all of
 * them (what each coder saves). Needs the packages built (`pnpm bench` builds first). Exports
 * `benchFiles(paths)` and `formatFilesBench(result)` for scripts/bench.mjs and
 * scripts/byte-tables.mjs.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg, entry) => import(join(ROOT, 'packages', pkg, 'dist', entry));

/** The `.dcm`'s ratio to brotli-11 of the dense form that issue #16 asks for. */
export const BROTLI_TARGET = 1.5;

/** The coders the project ships (encoder and decoder in one), by encoding name. */
export async function allCoders() {
  return { huffman: (await dist('huffman', 'index.js')).huffmanCoder, rans: (await dist('rans', 'index.js')).ransCoder };
}

/** Float values as stored: little-endian float32, or float16 bits (`toFloat16Bits` of @dc/core). */
function floatBytes(values, half, toFloat16Bits) {
  if (!half) return new Uint8Array(Float32Array.from(values).buffer);
  return new Uint8Array(Uint16Array.from(values, (v) => toFloat16Bits(v)).buffer);
}

/** The dense one-byte-per-weight form of a decoded model whose header is `header` (see the module comment). */
export function denseForm(decoded, header, { densify, toFloat16Bits }) {
  const parts = [];
  for (const th of header.tensors) {
    const t = decoded.tensors.get(th.key);
    const half = Object.values(th.streams).some((s) => s.type === 'f16');
    const floats = (a) => floatBytes(a, half, toFloat16Bits);
    if (t.layout === 'sparse-coded' || t.layout === 'dense-coded') {
      const n = t.shape.reduce((a, b) => a * b, 1);
      const k = t.codebook.length;
      // dense-coded tensors of pruned models end with a zero centroid standing for "pruned".
      const prunedCode = t.layout === 'dense-coded' && k > 1 && t.codebook[k - 1] === 0 ? k - 1 : -1;
      const wide = k + 1 > 256;
      const out = wide ? new Uint16Array(n) : new Uint8Array(n);
      // A seeded file (format version 7) lists every connected position, zero weights included: those are 0 here too.
      if (t.layout === 'sparse-coded') t.positions.forEach((p, i) => (out[p] = t.codebook[t.codes[i]] === 0 ? 0 : t.codes[i] + 1));
      else t.codes.forEach((c, i) => (out[i] = c === prunedCode ? 0 : c + 1));
      parts.push(floats(prunedCode >= 0 ? t.codebook.subarray(0, k - 1) : t.codebook), new Uint8Array(out.buffer));
    } else {
      parts.push(floats(densify(t)));
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

const gzip9 = (b) => zlib.gzipSync(b, { level: 9 }).length;
const brotli11 = (b) =>
  zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;

/**
 * What each coder saves on a decoded model: the same model written (layout chosen per coder set,
 * as the writer does) with no coder, each coder alone and all of them; per tensor and in all.
 */
function perCoder(core, decoded, coders, version) {
  const input = core.containerInputOf(decoded);
  // The file's own header kind: seeded tensors (version 7) are stored as seeds with a compact header only.
  const header = core.isCompactHeaderVersion(version) ? 'compact' : 'json';
  const sets = { raw: [], ...Object.fromEntries(Object.entries(coders).map(([k, c]) => [k, [c]])), all: Object.values(coders) };
  return Object.fromEntries(
    Object.entries(sets).map(([name, encoders]) => {
      const written = core.encodeContainer(input, { encoders, header });
      return [name, { bytes: written.bytes.length, tensors: Object.fromEntries(written.tensors.map((t) => [t.key, t.bytes])) }];
    }),
  );
}

/** Measures every file in `paths` (see the module comment). */
export async function benchFiles(paths) {
  const core = await dist('core', 'index.js');
  const { decodeContainer, describeContainer, float32Bytes, readContainerHeader, toDenseModel } = core;
  const coders = await allCoders();
  const decoders = Object.values(coders);
  return paths.map((path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const decoded = decodeContainer(bytes, { decoders });
    const dense = denseForm(decoded, readContainerHeader(bytes), core);
    const originalBytes = float32Bytes(toDenseModel(decoded));
    const brotli = brotli11(dense);
    const sections = describeContainer(bytes, { decoders });
    return {
      file: basename(path),
      path,
      bytes: bytes.length,
      originalBytes,
      ratio: Math.round((originalBytes / bytes.length) * 100) / 100,
      dense: { bytes: dense.length, gzip9: gzip9(dense), brotli11: brotli },
      smallerThanBrotli: Math.round((brotli / bytes.length) * 1000) / 1000,
      target: BROTLI_TARGET,
      meetsTarget: brotli / bytes.length >= BROTLI_TARGET,
      sections,
      coders: perCoder(core, decoded, coders, sections.version),
    };
  });
}

const n = (x) => x.toLocaleString('en');

/** The result as a text table: per file, its bytes beside the dense form's, then its byte table. */
export async function formatFilesBench(results) {
  const { formatByteTable } = await dist('core', 'index.js');
  const head = ['file', '.dcm', 'dense 1 B/weight', 'gzip -9', 'brotli -11', '.dcm smaller than brotli', `target ${BROTLI_TARGET}x`];
  const rows = results.map((r) => [r.file, `${n(r.bytes)} B (${r.ratio}x)`, `${n(r.dense.bytes)} B`, `${n(r.dense.gzip9)} B`, `${n(r.dense.brotli11)} B`, `${r.smallerThanBrotli}x`, r.meetsTarget ? 'met' : 'not met']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const coderTable = (r) => {
    const names = Object.keys(r.coders);
    const keys = Object.keys(r.coders.raw.tensors);
    const cells = [['tensor', ...names], ...keys.map((k) => [k, ...names.map((c) => n(r.coders[c].tensors[k]))]), ['file (same header options)', ...names.map((c) => n(r.coders[c].bytes))]];
    const w = cells[0].map((_, i) => Math.max(...cells.map((c) => c[i].length)));
    return cells.map((c) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ')).join('\n');
  };
  return [
    line(head),
    ...rows.map(line),
    ...results.map((r) => `\n${r.file}: where the bytes go\n${formatByteTable(r.sections)}\n\n${r.file} re-written with each coder (bytes; the writer picks layouts per coder set)\n${coderTable(r)}`),
  ].join('\n');
}
