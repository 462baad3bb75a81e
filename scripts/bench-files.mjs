/**
 * The file benchmark: each `.dcm` file beside the same weights stored densely, one byte per
 * weight, and compressed by a general-purpose compressor (what a web server does for free):
 * gzip -9 and brotli -11 from Node's zlib. Also each file's byte table (`describeContainer`).
 *
 * The dense form, per tensor in file order: a coded tensor (codebook indices) is its codebook as
 * float32 then one byte per element, 0 for a pruned element and 1 + its codebook index otherwise
 * (two bytes, little-endian, past 255 centroids); a float tensor (biases) is its float32 values.
 * Every parameter the `.dcm` stores is in it, nothing else (no topology).
 *
 * Needs the packages built (`pnpm bench` builds first). Exports `benchFiles(paths)` and
 * `formatFilesBench(result)` for scripts/bench.mjs and scripts/byte-tables.mjs.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg, entry) => import(join(ROOT, 'packages', pkg, 'dist', entry));

/** The `.dcm`'s ratio to brotli-11 of the dense form that issue #16 asks for. */
export const BROTLI_TARGET = 1.5;

/** The decoders of every coder the project ships, for reading any file it writes. */
export async function allDecoders() {
  const decoders = [(await dist('huffman', 'decode/index.js')).huffmanDecoder];
  try {
    decoders.push((await dist('rans', 'decode/index.js')).ransDecoder);
  } catch {
    // @dc/rans not built (or not there yet): files that need it fail with UNKNOWN_ENCODING.
  }
  return decoders;
}

const f32Bytes = (a) => new Uint8Array(Float32Array.from(a).buffer);

/** The dense one-byte-per-weight form of a decoded model (see the module comment). */
export function denseForm(decoded, densify) {
  const parts = [];
  for (const t of decoded.tensors.values()) {
    if (t.layout === 'sparse-coded' || t.layout === 'dense-coded') {
      const n = t.shape.reduce((a, b) => a * b, 1);
      const k = t.codebook.length;
      // dense-coded tensors of pruned models end with a zero centroid standing for "pruned".
      const prunedCode = t.layout === 'dense-coded' && k > 1 && t.codebook[k - 1] === 0 ? k - 1 : -1;
      const wide = k + 1 > 256;
      const out = wide ? new Uint16Array(n) : new Uint8Array(n);
      if (t.layout === 'sparse-coded') t.positions.forEach((p, i) => (out[p] = t.codes[i] + 1));
      else t.codes.forEach((c, i) => (out[i] = c === prunedCode ? 0 : c + 1));
      parts.push(f32Bytes(prunedCode >= 0 ? t.codebook.subarray(0, k - 1) : t.codebook), new Uint8Array(out.buffer));
    } else {
      parts.push(f32Bytes(densify(t)));
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

/** Measures every file in `paths` (see the module comment). */
export async function benchFiles(paths) {
  const { decodeContainer, describeContainer, densify, float32Bytes, toDenseModel } = await dist('core', 'index.js');
  const decoders = await allDecoders();
  return paths.map((path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const decoded = decodeContainer(bytes, { decoders });
    const dense = denseForm(decoded, densify);
    const originalBytes = float32Bytes(toDenseModel(decoded));
    const brotli = brotli11(dense);
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
      sections: describeContainer(bytes, { decoders }),
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
  return [line(head), ...rows.map(line), ...results.map((r) => `\n${r.file}: where the bytes go\n${formatByteTable(r.sections)}`)].join('\n');
}
