/**
 * `dc run <file>` for a GraphModel file (format version 4 to 6): loaded into tfjs with
 * `tf.loadGraphModel(dcmGraphModelHandler(bytes))`, run on the inputs given (a `.npy` array or a
 * folder of photographs; without `--data`, one documented synthetic sample), and each output
 * summarised. A file that keeps a LayersModel's model.json (version 8) runs alike through
 * `tf.loadLayersModel(dcmLayersModelHandler(bytes))`.
 */
import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import { argmax, DETECTION_MIN_SCORE, detectLists, detectOutputKind } from '@dc/allocate';
import { createRandom, DcError, readGraphModelHeader } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { quietTfjs } from '../quiet-tfjs.js';
import { inputSources, readInputFeeds } from '../no-retrain/input-feeds.js';
import { formatPixelScale, inputScaling, type InputScaling, type ScaleFlag } from '../no-retrain/pixel-scale.js';
import { loadFileModel, type LoadedModel } from './file-model.js';
import { isGraphModelDcm, readHead } from './inspect-graph.js';
import { withFreeDimensions } from '../compress/input-shape.js';
import { formatRun, runFile, type RunOptions, type RunResult } from './run.js';
import { count } from '../format/count.js';

/** Options of {@link runGraphFile}. */
export interface RunGraphOptions {
  /** A `.npy` array of inputs `[N, ...]` or a folder of photographs for the model's one input; absent: one synthetic sample. */
  readonly data?: string;
  readonly limit?: number;
  /** `cpu` (tfjs's cpu backend, the default), `tfjs` (tfjs-wasm) or `webgpu` (tfjs-webgpu, where registered). */
  readonly backend?: 'cpu' | 'tfjs' | 'webgpu';
  /** Photographs (and a `.npy`'s raw values) as `x = byte × inputScale + inputOffset`; default: what the file records (`dc compress --input-scale`), else byte / 255 (a `.npy` as given). */
  readonly inputScale?: ScaleFlag;
  readonly inputOffset?: ScaleFlag;
  /** The input's free dimensions (`--input-shape`, without the batch axis): the size photographs are resized to (default 256 × 256). */
  readonly inputShape?: readonly number[];
}

/** Summary statistics of one output over every sample. */
export interface OutputStats {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  /** Elements that are NaN or infinite (left out of the statistics). */
  readonly nonFinite: number;
  /** For an output of class probabilities (`[n, classes]` rows in [0, 1] summing to 1: `detectOutputKind`'s classifier): how often each class is a sample's top one. */
  readonly topClassCounts?: readonly number[];
  /**
   * For the scores of a detector's list after non-max suppression (`detectLists` of @dc/allocate:
   * `[n, d]` scores sorted from the highest down beside `[n, d, 4]` boxes): per sample, how many
   * detections show (score ≥ 0.3, as the fidelity judges them).
   */
  readonly detectionsShown?: readonly number[];
}

/** What `dc run --json` prints for a GraphModel file (or a LayersModel's kept as given). */
export interface RunGraphResult {
  readonly format: LoadedModel['format'];
  readonly file: string;
  /** The tfjs backend that ran it. */
  readonly backend: string;
  readonly samples: number;
  /** Whether the inputs were synthetic: uniform [0, 1) from seed 7 (float inputs; int inputs zero), unknown extents 1. */
  readonly synthetic: boolean;
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[]; readonly dtype: string }>;
  /** How `--data` became model inputs (`byte × scale + offset`) and where that came from; null: byte / 255 for photographs, a `.npy` as given, or synthetic inputs. */
  readonly pixels: InputScaling | null;
  readonly outputs: readonly OutputStats[];
  readonly milliseconds: number;
}

const BACKENDS = { cpu: 'cpu', tfjs: 'wasm', webgpu: 'webgpu' } as const;

/** The statistics of output `t`, whose values `v` were read asynchronously (tfjs-webgpu reads synchronously only through an OffscreenCanvas, which Node lacks). */
function statsOf(name: string, t: tf.Tensor, v: Awaited<ReturnType<tf.Tensor['data']>>): OutputStats {
  let n = 0;
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = Number(v[i]);
    if (!Number.isFinite(x)) continue;
    n++;
    sum += x;
    sq += x * x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = n ? sum / n : NaN;
  const counts = v instanceof Float32Array ? topClassCounts(t.shape, v) : undefined;
  return { name, shape: t.shape, dtype: t.dtype, min, max, mean, std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : NaN, nonFinite: v.length - n, ...(counts ? { topClassCounts: counts } : {}) };
}

/** How often each class is a row's top one, for rows of class probabilities; undefined for any other output. */
function topClassCounts(shape: readonly number[], values: Float32Array): number[] | undefined {
  if (detectOutputKind({ shape: [...shape], values }) !== 'classifier') return undefined;
  const classes = shape[1];
  const counts = new Array<number>(classes).fill(0);
  for (let r = 0; r < values.length; r += classes) counts[argmax(values, r, classes)]++;
  return counts;
}

/** `stats` with each detection list's shown detections per sample on its scores output (see {@link OutputStats.detectionsShown}). */
export function withShownDetections(stats: OutputStats[], outputs: { shape: number[]; values: Float32Array }[]): OutputStats[] {
  const out = [...stats];
  for (const [, p] of detectLists([outputs], outputs.map(() => true))) {
    const samples = outputs[p].shape[0];
    const per = outputs[p].values.length / Math.max(1, samples);
    const shown = Array.from({ length: samples }, (_, s) => outputs[p].values.subarray(s * per, (s + 1) * per).filter((v) => v >= DETECTION_MIN_SCORE).length);
    out[p] = { ...out[p], detectionsShown: shown };
  }
  return out;
}

/** One synthetic sample per input: uniform [0, 1) from seed 7 (int inputs zero), free extents 1. */
function syntheticInputs(tfjs: typeof tf, model: LoadedModel): tf.Tensor[] {
  const r = createRandom(7);
  return model.inputs.map((i) => {
    const shape = (i.shape ?? [1]).map((d) => (d < 0 ? 1 : d));
    const size = shape.reduce((a, b) => a * b, 1);
    return i.dtype === 'float32' || i.dtype === undefined ? tfjs.tensor(Float32Array.from({ length: size }, () => r.next()), shape) : tfjs.zeros(shape, i.dtype as tf.DataType);
  });
}

/**
 * What to run, one tensor per model input for each batch: `--data` read as every command reads
 * inputs (`readInputFeeds`: a `.npy` array or a folder of photographs per input, comma-separated), its first `limit`
 * samples, in one batch unless the input's batch extent is fixed at 1; else one synthetic sample.
 */
async function inputBatches(tfjs: typeof tf, model: LoadedModel, o: RunGraphOptions, pixels: InputScaling | undefined): Promise<tf.Tensor[][]> {
  if (o.data === undefined) return [syntheticInputs(tfjs, model)];
  const specs = model.inputs.map((i) => withFreeDimensions({ name: i.name, shape: i.shape.map((d) => d ?? -1), dtype: i.dtype }, o.inputShape));
  // One batch of every sample read (or batches of 1).
  const { batches } = await readInputFeeds(tfjs, inputSources(o.data), specs, { batchSize: Number.MAX_SAFE_INTEGER, ...(o.limit === undefined ? {} : { limit: o.limit }), ...(pixels ? { pixels } : {}) });
  return batches;
}

/** Runs the GraphModel file (or LayersModel kept as given) at `path` (see the module comment). */
export async function runGraphFile(path: string, o: RunGraphOptions = {}): Promise<RunGraphResult> {
  const bytes = new Uint8Array(await readFile(path));
  const tfjs = await quietTfjs();
  if (o.backend === 'webgpu' && !tfjs.findBackendFactory('webgpu')) await (await import('./webgpu-in-node.js')).registerTfjsWebGpu();
  await activateTfBackend(tfjs, BACKENDS[o.backend ?? 'cpu']);
  const pixels = o.data === undefined ? undefined : inputScaling(o, readGraphModelHeader(bytes).preprocessing);
  const model = await loadFileModel(tfjs, bytes, path);
  const batches = await inputBatches(tfjs, model, o, pixels).catch((e: unknown) => {
    model.dispose();
    throw e;
  });
  const t0 = performance.now();
  const runs: tf.Tensor[][] = [];
  try {
    for (const feed of batches) runs.push(await model.execute(feed));
    const outs = runs.length === 1 ? runs[0] : runs[0].map((_, i) => tfjs.concat(runs.map((r) => r[i]), 0));
    const values = await Promise.all(outs.map((t) => t.data()));
    const stats = outs.map((t, i) => statsOf(model.outputNames[i] ?? `output ${i}`, t, values[i]));
    // Only `[n, d]` and `[n, d, 4]` outputs can be a detection list (float32 as read; other types as float32).
    const asFloat32 = (v: (typeof values)[number]) => (v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>));
    const lists = outs.map((t, i) => ({ shape: t.shape, values: t.rank === 2 || (t.rank === 3 && t.shape[2] === 4) ? asFloat32(values[i]) : new Float32Array(0) }));
    const outputs = withShownDetections(stats, lists);
    if (runs.length > 1) tfjs.dispose(outs);
    return {
      format: model.format,
      file: path,
      backend: tfjs.getBackend(),
      samples: batches.reduce((n, feed) => n + (feed[0]?.shape[0] ?? 1), 0),
      synthetic: o.data === undefined,
      inputs: model.inputs,
      pixels: pixels ?? null,
      outputs,
      milliseconds: performance.now() - t0,
    };
  } finally {
    tfjs.dispose([...batches.flat(), ...runs.flat()]);
    model.dispose();
  }
}

/** The human-readable report of {@link runGraphFile}. */
export function formatRunGraph(r: RunGraphResult): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : String(x));
  const top = (o: OutputStats) =>
    o.topClassCounts ? `; top class counts, class 0 to ${o.topClassCounts.length - 1}: ${o.topClassCounts.join(' ')}` : o.detectionsShown ? `; detections shown (score ≥ ${DETECTION_MIN_SCORE}) per sample: ${o.detectionsShown.join(' ')}` : '';
  const lines = r.outputs.map((o) => `  ${o.name} [${o.shape.join(', ')}] ${o.dtype}: min ${f(o.min)}, max ${f(o.max)}, mean ${f(o.mean)}, std ${f(o.std)}${o.nonFinite ? `, ${o.nonFinite} non-finite` : ''}${top(o)}`);
  const scaled = r.pixels ? `, inputs ${formatPixelScale(r.pixels)} (${r.pixels.source === 'file' ? "the file's record" : 'flags'})` : '';
  const what = r.synthetic ? 'one synthetic sample (uniform [0, 1), seed 7)' : `${count(r.samples, 'sample', r.samples.toLocaleString('en'))}${scaled}`;
  const kind = r.format === 'graph-model' ? 'GraphModel' : 'LayersModel (its model.json kept as given)';
  return [`${r.file}: tfjs ${kind} run on ${what} (tfjs ${r.backend}, ${Math.round(r.milliseconds)} ms)`, ...lines].join('\n');
}

/** `dc run`: a GraphModel file (version 4 to 6) through tfjs, or a layer-graph file with the sparse runtime (which needs `--data`). */
export async function runAnyFile(path: string, o: RunOptions & RunGraphOptions): Promise<RunGraphResult | RunResult> {
  if (isGraphModelDcm(await readHead(path))) return runGraphFile(path, o);
  if (o.inputShape) throw new DcError('INVALID_OPTION', `${path} holds a layer graph, which runs at the input shape it was compressed at: --input-shape sizes a GraphModel file's free dimensions`, { option: 'input-shape', hint: 'Drop --input-shape (dc inspect shows the file\'s input shape).' });
  if (o.data === undefined) throw new DcError('INVALID_OPTION', `${path} holds a layer graph: dc run needs --data to run it on`, { option: 'data', hint: 'Pass --data <IDX folder | .npy inputs> (and --labels for accuracy).' });
  return runFile(path, o);
}

/** The report of {@link runAnyFile}. */
export function formatRunAny(r: RunGraphResult | RunResult): string {
  return 'format' in r ? formatRunGraph(r) : formatRun(r);
}
