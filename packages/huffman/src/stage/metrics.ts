/** The metrics of the `dc:huffman` stage: totals, the per-layer table, and per-stream entropy. */
import type { Codebooks, EncodedContainer, JsonValue, Model, PruneMasks } from '@dc/core';
import { listParams } from '@dc/core';
import { entropyOf } from '../encode/entropy.js';
import { histogram } from '../encode/huffman-encode.js';
import { layerRow } from './layer-metrics.js';

/** What the metrics need besides the encoded file. */
export interface MetricsContext {
  readonly masks?: PruneMasks;
  readonly codebooks?: Codebooks;
  /** Float32 bytes of every parameter. */
  readonly originalBytes: number;
  /** Size of the same file with fixed-width codes (no Huffman). */
  readonly fixedBytes: number;
  readonly mismatched: readonly string[];
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Kept (nonzero) weights of a kernel: its codebook's positions, mask, or nonzero values. */
function keptCount(model: Model, key: string, ctx: MetricsContext): number {
  const cb = ctx.codebooks?.get(key);
  if (cb) return cb.positions.length;
  const values = listParams(model).find((p) => p.key === key)!.tensor.values;
  const mask = ctx.masks?.get(key);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 || (mask && mask[i])) n++;
  return n;
}

/** Builds the stage's JSON metrics. */
export function buildMetrics(model: Model, encoded: EncodedContainer, ctx: MetricsContext): { [key: string]: JsonValue } & { ratio: number } {
  const fileBytes = encoded.bytes.length;
  const kernels = encoded.tensors.filter((t) => t.key.endsWith('/kernel'));
  const rows = kernels.map((t) => layerRow(t, keptCount(model, t.key, ctx)));
  let weights = 0;
  let kept = 0;
  let entries = 0;
  const bits = { weightFixed: 0, weightHuffman: 0, indexFixed: 0, indexHuffman: 0 };
  for (const t of kernels) {
    weights += t.shape.reduce((a, b) => a * b, 1);
    kept += keptCount(model, t.key, ctx);
    entries += t.entries;
    for (const s of t.streams) {
      if (s.role === 'codes' || s.role === 'values') {
        bits.weightFixed += s.rawBytes * 8;
        bits.weightHuffman += s.data.length * 8;
      } else if (s.role === 'gaps') {
        bits.indexFixed += s.rawBytes * 8;
        bits.indexHuffman += s.data.length * 8;
      }
    }
  }
  const dataLength = Math.max(0, ...encoded.header.tensors.flatMap((t) => Object.values(t.streams).map((s) => s!.offset + s!.length)));
  const streams = encoded.tensors.flatMap((t) =>
    t.streams
      .filter((s) => s.symbols && s.bits !== undefined)
      .map((s) => ({
        tensor: t.key,
        role: s.role,
        encoding: s.encoding,
        symbols: s.count,
        bits: s.bits!,
        entropy: round(entropyOf(histogram(s.symbols!, s.bits!))),
        // Bits per symbol of the coded payload, table excluded (compare with entropy) ...
        bitsPerSymbol: s.count === 0 ? null : round(((s.data.length - s.tableBytes) * 8) / s.count),
        // ... and the table, counted separately.
        tableBytes: s.tableBytes,
      })),
  );
  const per = (x: number) => (entries === 0 ? null : round(x / entries));
  const ratio = round(ctx.originalBytes / fileBytes, 2);
  return {
    fileBytes,
    originalBytes: ctx.originalBytes,
    ratio,
    headerBytes: fileBytes - dataLength,
    fixedFileBytes: ctx.fixedBytes,
    fixedRatio: round(ctx.originalBytes / ctx.fixedBytes, 2),
    huffmanSaving: round(1 - fileBytes / ctx.fixedBytes),
    biasBytes: encoded.tensors.filter((t) => t.key.endsWith('/bias')).reduce((n, t) => n + t.bytes, 0),
    tableBytes: encoded.tensors.reduce((n, t) => n + t.streams.reduce((m, s) => m + s.tableBytes, 0), 0),
    total: {
      weights,
      kept: weights === 0 ? null : round(kept / weights),
      weightBits: { fixed: per(bits.weightFixed), huffman: per(bits.weightHuffman) },
      indexBits: { fixed: per(bits.indexFixed), huffman: per(bits.indexHuffman) },
      ofOriginal: { fixed: round(ctx.fixedBytes / ctx.originalBytes), huffman: round(fileBytes / ctx.originalBytes) },
    },
    layers: rows,
    streams,
    mismatchedTensors: [...ctx.mismatched],
  };
}
