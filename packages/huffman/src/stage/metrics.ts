/** The metrics of the `dc:huffman` stage: totals, the per-layer table, and per-stream entropy. */
import type { Codebooks, EncodedContainer, JsonValue, Model, PruneMasks, TensorEncoding } from '@dc/core';
import { listParams } from '@dc/core';
import { entropyOf } from '../encode/entropy.js';
import { histogram } from '../encode/huffman-encode.js';
import { layerRow, round } from './layer-metrics.js';

/** What the metrics need besides the encoded files. */
export interface MetricsContext {
  readonly masks?: PruneMasks;
  readonly codebooks?: Codebooks;
  /** Float32 bytes of every parameter. */
  readonly originalBytes: number;
  /** Tensors whose model values differ from what the file stores. */
  readonly mismatched: readonly string[];
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

function bitsOf(tensors: readonly TensorEncoding[], roles: readonly string[]): number {
  return tensors.reduce((n, t) => n + t.streams.filter((s) => roles.includes(s.role)).reduce((m, s) => m + s.data.length * 8, 0), 0);
}

/**
 * Builds the stage's JSON metrics from the file as written (`coded`) and the same model written
 * with fixed-width codes only (`fixed`; pass `coded` again when Huffman coding is off).
 */
export function buildMetrics(model: Model, coded: EncodedContainer, fixed: EncodedContainer, ctx: MetricsContext): { [key: string]: JsonValue } & { ratio: number } {
  const fileBytes = coded.bytes.length;
  const fixedBytes = fixed.bytes.length;
  const isKernel = (t: TensorEncoding) => t.key.endsWith('/kernel');
  const kernels = coded.tensors.filter(isKernel);
  const fixedKernels = fixed.tensors.filter(isKernel);
  const kept = kernels.map((t) => keptCount(model, t.key, ctx));
  const rows = kernels.map((t, i) => layerRow(t, fixedKernels[i], kept[i]));
  const weights = kernels.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const keptAll = kept.reduce((a, b) => a + b, 0);
  const per = (bits: number) => (keptAll === 0 ? null : round(bits / keptAll));
  const dataLength = Math.max(0, ...coded.header.tensors.flatMap((t) => Object.values(t.streams).map((s) => s!.offset + s!.length)));
  const streams = coded.tensors.flatMap((t) =>
    t.streams
      .filter((s) => s.symbols && s.bits !== undefined)
      .map((s) => ({
        tensor: t.key,
        role: s.role,
        encoding: s.encoding,
        symbols: s.count,
        bits: s.bits!,
        entropy: round(entropyOf(histogram(s.symbols!, s.bits!))),
        // Bits per symbol of the stored payload, table excluded (compare with entropy) ...
        bitsPerSymbol: s.count === 0 ? null : round(((s.data.length - s.tableBytes) * 8) / s.count),
        // ... and the table, counted separately.
        tableBytes: s.tableBytes,
      })),
  );
  const weightRoles = ['codes', 'values'];
  return {
    fileBytes,
    originalBytes: ctx.originalBytes,
    ratio: round(ctx.originalBytes / fileBytes, 2),
    headerBytes: fileBytes - dataLength,
    fixedFileBytes: fixedBytes,
    fixedRatio: round(ctx.originalBytes / fixedBytes, 2),
    huffmanSaving: round(1 - fileBytes / fixedBytes),
    // The same saving on the kernels alone (codes, indices, codebooks), without header and biases.
    kernelHuffmanSaving: round(1 - kernels.reduce((n, t) => n + t.bytes, 0) / Math.max(1, fixedKernels.reduce((n, t) => n + t.bytes, 0))),
    biasBytes: coded.tensors.filter((t) => !isKernel(t)).reduce((n, t) => n + t.bytes, 0),
    tableBytes: coded.tensors.reduce((n, t) => n + t.streams.reduce((m, s) => m + s.tableBytes, 0), 0),
    total: {
      weights,
      kept: weights === 0 ? null : round(keptAll / weights),
      weightBits: { fixed: per(bitsOf(fixedKernels, weightRoles)), huffman: per(bitsOf(kernels, weightRoles)) },
      indexBits: { fixed: per(bitsOf(fixedKernels, ['gaps'])), huffman: per(bitsOf(kernels, ['gaps'])) },
      ofOriginal: { fixed: round(fixedBytes / ctx.originalBytes), huffman: round(fileBytes / ctx.originalBytes) },
    },
    layers: rows,
    streams,
    mismatchedTensors: [...ctx.mismatched],
  };
}
