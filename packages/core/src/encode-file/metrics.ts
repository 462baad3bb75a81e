/**
 * The metrics of the file-writing stage: totals, the per-layer table of the paper, per-stream
 * entropy and coder, and where the bytes of the file go.
 */
import type { Codebooks, PruneMasks } from '../artifacts.js';
import type { ContainerDescription } from '../container/describe.js';
import type { EncodedContainer } from '../container/encode.js';
import type { TensorEncoding } from '../container/plan-tensor.js';
import type { Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';
import type { JsonValue } from '../json.js';
import { tensorTotals } from '../tensor-metrics.js';
import { entropyOf, histogram } from './entropy.js';
import { layerRow, round } from './layer-metrics.js';

/** What the metrics need besides the encoded files. */
export interface MetricsContext {
  readonly masks?: PruneMasks;
  readonly codebooks?: Codebooks;
  /** Float32 bytes of every parameter. */
  readonly originalBytes: number;
  /** The byte table of the written file. */
  readonly description: ContainerDescription;
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

/** Per symbol stream: its entropy, the coder chosen and the coded bits per symbol. */
function streamRows(coded: EncodedContainer): JsonValue[] {
  return coded.tensors.flatMap((t) =>
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
        bytes: s.data.length,
        rawBytes: s.rawBytes,
      })),
  );
}

/**
 * Builds the stage's JSON metrics from the file as written (`coded`) and the same model written
 * with fixed-width codes only (`fixed`; pass `coded` again when no coder was given).
 */
export function buildFileMetrics(model: Model, coded: EncodedContainer, fixed: EncodedContainer, ctx: MetricsContext): { [key: string]: JsonValue } & { ratio: number } {
  const fileBytes = coded.bytes.length;
  const fixedBytes = fixed.bytes.length;
  const isKernel = (t: TensorEncoding) => t.key.endsWith('/kernel');
  const kernels = coded.tensors.filter(isKernel);
  const fixedKernels = fixed.tensors.filter(isKernel);
  const kept = kernels.map((t) => keptCount(model, t.key, ctx));
  const totals = tensorTotals(kernels.map((t, i) => ({ params: t.shape.reduce((a, b) => a * b, 1), kept: kept[i] })));
  const keptAll = totals.kept;
  const per = (bits: number) => (keptAll === 0 ? null : round(bits / keptAll));
  const weightRoles = ['codes', 'values'];
  const sections = ctx.description.totals;
  return {
    fileBytes,
    originalBytes: ctx.originalBytes,
    ratio: round(ctx.originalBytes / fileBytes, 2),
    // Preamble and header as stored (the padding after it is in `sections.padding`).
    headerBytes: sections.header,
    fixedFileBytes: fixedBytes,
    fixedRatio: round(ctx.originalBytes / fixedBytes, 2),
    codingSaving: round(1 - fileBytes / fixedBytes),
    // The same saving on the kernels alone (codes, indices, codebooks), without header and biases.
    kernelCodingSaving: round(1 - kernels.reduce((n, t) => n + t.bytes, 0) / Math.max(1, fixedKernels.reduce((n, t) => n + t.bytes, 0))),
    biasBytes: sections.others,
    tableBytes: coded.tensors.reduce((n, t) => n + t.streams.reduce((m, s) => m + s.tableBytes, 0), 0),
    // Where the bytes go: header, padding, and the streams by role (they sum to fileBytes).
    sections: { ...sections },
    total: {
      ...totals,
      weightBits: { fixed: per(bitsOf(fixedKernels, weightRoles)), coded: per(bitsOf(kernels, weightRoles)) },
      indexBits: { fixed: per(bitsOf(fixedKernels, ['gaps'])), coded: per(bitsOf(kernels, ['gaps'])) },
      ofOriginal: { fixed: round(fixedBytes / ctx.originalBytes), coded: round(fileBytes / ctx.originalBytes) },
    },
    layers: kernels.map((t, i) => layerRow(t, fixedKernels[i], kept[i])),
    streams: streamRows(coded),
  };
}
