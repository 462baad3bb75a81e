/**
 * `dc compress model.json --no-retrain` for a tfjs GraphModel (`format: "graph-model"`): its
 * weights pruned and clustered per tensor under an allocation, without retraining, written as a
 * `.dcm` file of format version 4 to 6 and decoded back to check it.
 */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { DcError, type StageProvenance } from '@dc/core';
import { isGraphModelJson } from '@dc/core/tfjs';
import {
  channelCounts,
  compressGraphModel,
  decodeGraphModel,
  DEFAULT_MIN_ELEMENTS,
  isEligible,
  loadGraphModelArtifacts,
  writeGraphModelFile,
  type GraphAllocation,
  type GraphModelSource,
  type TensorAllocation,
  type TensorCompression,
} from '@dc/graph-model';
import type { Progress } from '../compress/progress.js';
import { cautiousBits } from '../no-retrain/cautious-bits.js';
import { graphCompressTensorWith } from '../no-retrain/graph-compress-tensor.js';
import { formatPixelScale, pixelScaleOf, type ScaleFlag } from '../no-retrain/pixel-scale.js';
import { NO_RETRAIN_DEFAULTS, type PerLayer } from '../compress/settings.js';

const perWeight = (v: PerLayer | undefined): Readonly<Record<string, number>> => (typeof v === 'number' ? { '*': v } : (v ?? {}));

/** The fixed allocation of `dc compress --no-retrain` on a GraphModel without `--sparsity` / `--bits`: {@link NO_RETRAIN_DEFAULTS}. */
export const GRAPH_DEFAULTS = NO_RETRAIN_DEFAULTS;

/** Options of {@link compressGraphFile}. */
export interface CompressGraphOptions {
  readonly out: string;
  /** Per weight name, `*` for every eligible weight (float32, ≥ 256 elements); default 0 ({@link GRAPH_DEFAULTS}). */
  readonly sparsity?: PerLayer;
  /** Codebook bits, likewise; default 8. */
  readonly bits?: PerLayer;
  readonly seed?: number;
  /** Commander's `--no-retrain` sets false: GraphModels need it. */
  readonly retrain?: boolean;
  /** How raw data become the model's input (`x = raw × inputScale + inputOffset`), recorded in the file for `dc run` (`--input-scale`, `--input-offset`). */
  readonly inputScale?: ScaleFlag;
  readonly inputOffset?: ScaleFlag;
}

/** What `dc compress --json` prints for a GraphModel (or a LayersModel kept as given). */
export interface CompressGraphResult {
  readonly format: 'graph-model' | 'layers-model-as-given';
  /** A LayersModel kept as given: why (dc's layer graph refused it, or `--keep-topology`). */
  readonly keptBecause?: string;
  readonly input: string;
  readonly file: string;
  /** Weights in the model (every manifest entry). */
  readonly weights: number;
  /** Weights compressed (named by the allocation). */
  readonly compressedWeights: number;
  readonly parameters: number;
  /** Every weight as float32 (4 bytes per element, int32 and bool included). */
  readonly float32Bytes: number;
  /** The weight shards as the manifest stores them (quantized weights at their stored size). */
  readonly manifestBytes: number;
  readonly fileBytes: number;
  /** float32 bytes / file bytes. */
  readonly compressionRatio: number;
  /** Per weight: elements, kept, codebook size, allocation. */
  readonly tensors: readonly TensorCompression[];
  readonly stages: readonly StageProvenance[];
  /** What the figures do not say: with fixed flags (no planner's `stages`) that allocated a weight, that the outputs were never compared ({@link UNMEASURED_FIDELITY}). */
  readonly warnings: readonly string[];
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly load: { readonly start: number; readonly end: number; readonly cores: number };
}

/**
 * The warning of a compression by fixed `--sparsity` / `--bits`: nothing compared its outputs with
 * the original's (even the cautious defaults move some models' outputs beyond the fidelity budget).
 */
export const UNMEASURED_FIDELITY = `fidelity not measured: --sparsity and --bits (default ${NO_RETRAIN_DEFAULTS.sparsity} and ${NO_RETRAIN_DEFAULTS.bits} for every weight of ${DEFAULT_MIN_ELEMENTS} elements or more, the cautious choice where nothing is measured) were applied without running the model; measure the file with dc run <file> --reference <model.json> --data <inputs>, or give --calibration <inputs> to choose each weight's sparsity and bits within a fidelity budget`;

/** Whether `path` is a model.json holding a GraphModel (unreadable files: false, for the LayersModel path to report). */
export async function isGraphModelFile(path: string): Promise<boolean> {
  try {
    return isGraphModelJson(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return false;
  }
}

/**
 * The allocation of the `--sparsity` / `--bits` flags: `*` (default {@link GRAPH_DEFAULTS}) for
 * every eligible weight (float32, at least 256 elements), named weights (any float32 size) as
 * given; each coded weight of rank ≥ 2 with per-channel scales along its op's output channels
 * (`channelCounts`: a batch norm folded into a kernel then costs no codebook levels). Left to the
 * defaults (no `*`), a weight the manifest stores in uint8 or uint16 levels is not allocated: the
 * file keeps its levels exactly, at about their own size, where 8-bit codes would move it; and a
 * weight with channels takes a finer uniform grid instead of 8-bit codes where that is no less
 * precise and smaller ({@link cautiousBits}).
 */
export function graphAllocationFromFlags(source: GraphModelSource, o: Pick<CompressGraphOptions, 'sparsity' | 'bits'>): GraphAllocation {
  const sparsity = perWeight(o.sparsity);
  const bits = perWeight(o.bits);
  const named = new Set([...Object.keys(sparsity), ...Object.keys(bits)].filter((k) => k !== '*'));
  const channels = channelCounts(source);
  const defaulted = sparsity['*'] === undefined && bits['*'] === undefined;
  const compress = graphCompressTensorWith(undefined, source);
  const out: Record<string, TensorAllocation> = {};
  for (const t of source.tensors) {
    if (!named.has(t.name) && (!isEligible(t) || (defaulted && isLevelQuantized(t)))) continue;
    const c = channels.get(t.name);
    const cautious = defaulted && !named.has(t.name) && c !== undefined;
    out[t.name] = { sparsity: sparsity[t.name] ?? sparsity['*'] ?? GRAPH_DEFAULTS.sparsity, bits: bits[t.name] ?? bits['*'] ?? (cautious ? cautiousBits(t.values as Float32Array, c, compress) : GRAPH_DEFAULTS.bits), ...(c === undefined ? {} : { channels: c }) };
  }
  // Names that match no weight are reported by compressGraphModel's check (INVALID_OPTION).
  for (const name of named) if (!(name in out)) out[name] = { sparsity: sparsity[name] ?? GRAPH_DEFAULTS.sparsity, bits: bits[name] ?? GRAPH_DEFAULTS.bits };
  return out;
}

/** Whether the manifest stored `t` in integer levels (`--quantize_uint8` / `--quantize_uint16`), not float16. */
const isLevelQuantized = (t: GraphModelSource['tensors'][number]): boolean => t.quantization === 'uint8' || t.quantization === 'uint16';

/**
 * Compresses `source` under `allocation`, writes `out` atomically and decodes the written file
 * back (a file that does not decode to the compressed weights is an error, not a result). The one
 * path every allocation goes through: fixed flags here, a fidelity-budget planner elsewhere (its
 * own provenance in `stages`).
 */
export async function writeCompressedGraph(input: string, source: GraphModelSource, allocation: GraphAllocation, o: Pick<CompressGraphOptions, 'out' | 'seed' | 'inputScale' | 'inputOffset'>, progress: Progress, stages: readonly StageProvenance[] = []): Promise<CompressGraphResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const load0 = loadavg()[0];
  const compressed = compressGraphModel(source, allocation, { ...(o.seed === undefined ? {} : { seed: o.seed }), stages });
  const file = resolve(o.out);
  const pixels = pixelScaleOf(o);
  const { bytes } = await writeGraphModelFile(file, compressed, pixels ? { preprocessing: pixels } : {});
  const decoded = decodeGraphModel(bytes);
  if (decoded.tensors.length !== compressed.weights.length) throw new DcError('INVALID_MODEL', `${file} decodes to ${decoded.tensors.length} weights, not ${compressed.weights.length}`);
  progress.log(`wrote ${file} (${bytes.length.toLocaleString('en')} bytes, format version ${bytes[8]}${pixels ? `, inputs recorded as ${formatPixelScale(pixels)}` : ''})`); // the preamble's version (its low byte; versions are below 256)
  const parameters = source.tensors.reduce((n, t) => n + t.values.length, 0);
  const cpu = process.cpuUsage(cpu0);
  return {
    format: source.artifacts.format === 'layers-model' ? 'layers-model-as-given' : 'graph-model',
    input,
    file,
    weights: source.tensors.length,
    compressedWeights: Object.keys(allocation).length,
    parameters,
    float32Bytes: parameters * 4,
    manifestBytes: (source.artifacts.weightData as ArrayBuffer | undefined)?.byteLength ?? 0,
    fileBytes: bytes.length,
    compressionRatio: (parameters * 4) / bytes.length,
    tensors: compressed.tensors,
    stages: compressed.stages,
    // Nothing allocated: every weight is stored exactly, and the outputs are the original's.
    warnings: stages.length === 0 && Object.keys(allocation).length > 0 ? [UNMEASURED_FIDELITY] : [],
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    load: { start: load0, end: loadavg()[0], cores: cpus().length },
  };
}

/** `dc compress <graph model.json> --no-retrain`: the fixed allocation of the flags. */
export async function compressGraphFile(path: string, o: CompressGraphOptions, progress: Progress): Promise<CompressGraphResult> {
  if (o.retrain !== false) {
    throw new DcError('INVALID_OPTION', `${path} is a tfjs GraphModel (a frozen graph): it cannot be retrained here`, {
      option: 'retrain',
      hint: 'Add --no-retrain: the weights are pruned and clustered post-training, tensor by tensor, each to the sparsity and bits the model can take within a fidelity budget on inputs like those it will see (--calibration <inputs>), or to fixed --sparsity and --bits.',
    });
  }
  const source = await loadGraphModelArtifacts(path);
  const allocation = graphAllocationFromFlags(source, o);
  progress.log(`${path}: GraphModel, ${source.tensors.length} weights, ${Object.keys(allocation).length} compressed post-training`);
  return writeCompressedGraph(path, source, allocation, o, progress);
}

/** The human-readable summary of {@link compressGraphFile}. */
export function formatCompressGraph(r: CompressGraphResult): string {
  return [
    `${r.file}: ${r.fileBytes.toLocaleString('en')} bytes, ${r.compressionRatio.toFixed(1)}× smaller than the float32 weights of ${r.input} (${r.float32Bytes.toLocaleString('en')} B; its shards: ${r.manifestBytes.toLocaleString('en')} B)`,
    `${r.compressedWeights} of ${r.weights} weights pruned and clustered post-training (no retraining); load it with ${r.format === 'graph-model' ? 'tf.loadGraphModel(dcmGraphModelHandler(bytes))' : 'tf.loadLayersModel(dcmLayersModelHandler(bytes))'} from @dc/graph-model`,
    ...r.warnings.map((w) => `warning: ${w}`),
    `${r.wallSeconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} s CPU (load ${r.load.start.toFixed(1)} → ${r.load.end.toFixed(1)} on ${r.load.cores} cores)`,
  ].join('\n');
}
