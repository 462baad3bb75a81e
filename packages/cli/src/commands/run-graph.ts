/**
 * `dc run <file>` for a GraphModel file (format version 4): loaded into tfjs with
 * `tf.loadGraphModel(dcmGraphModelHandler(bytes))`, run on the `.npy` inputs given (or, without
 * `--data`, on one documented synthetic sample), and each output summarised.
 */
import { open, readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import { createRandom, DcError } from '@dc/core';
import { activateTfBackend, importTfjsPackage } from '@dc/core/tfjs';
import { dcmGraphModelHandler } from '@dc/graph-model';
import { readNpy } from '../data/npy.js';
import { isGraphModelDcm } from './inspect-graph.js';
import { formatRun, runFile, type RunOptions, type RunResult } from './run.js';

/** Options of {@link runGraphFile}. */
export interface RunGraphOptions {
  /** A `.npy` array of inputs `[N, ...]` for the model's one input; absent: one synthetic sample. */
  readonly data?: string;
  readonly limit?: number;
  /** `cpu` (tfjs's cpu backend, the default), `tfjs` (tfjs-wasm) or `webgpu` (tfjs-webgpu, where registered). */
  readonly backend?: 'cpu' | 'tfjs' | 'webgpu';
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
}

/** What `dc run --json` prints for a GraphModel file. */
export interface RunGraphResult {
  readonly format: 'graph-model';
  readonly file: string;
  /** The tfjs backend that ran it. */
  readonly backend: string;
  readonly samples: number;
  /** Whether the inputs were synthetic: uniform [0, 1) from seed 7 (float inputs; int inputs zero), unknown extents 1. */
  readonly synthetic: boolean;
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[]; readonly dtype: string }>;
  readonly outputs: readonly OutputStats[];
  readonly milliseconds: number;
}

const BACKENDS = { cpu: 'cpu', tfjs: 'wasm', webgpu: 'webgpu' } as const;

function statsOf(name: string, t: tf.Tensor): OutputStats {
  const v = t.dataSync();
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
  return { name, shape: t.shape, dtype: t.dtype, min, max, mean, std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : NaN, nonFinite: v.length - n };
}

async function inputsOf(tfjs: typeof tf, model: tf.GraphModel, o: RunGraphOptions): Promise<tf.Tensor[]> {
  if (o.data === undefined) {
    const r = createRandom(7);
    return model.inputs.map((i) => {
      const shape = (i.shape ?? [1]).map((d) => (d < 0 ? 1 : d));
      const size = shape.reduce((a, b) => a * b, 1);
      return i.dtype === 'float32' || i.dtype === undefined ? tfjs.tensor(Float32Array.from({ length: size }, () => r.next()), shape) : tfjs.zeros(shape, i.dtype);
    });
  }
  if (model.inputs.length !== 1) throw new DcError('DATA_MISMATCH', `the model has ${model.inputs.length} inputs; --data gives one array`, { hint: 'Run it without --data (synthetic inputs), or from code with one tensor per input.' });
  const { values, shape } = await readNpy(o.data);
  const want = model.inputs[0].shape ?? [];
  const count = Math.min(shape[0] ?? 0, o.limit ?? Infinity);
  if (shape.length !== want.length || want.slice(1).some((d, k) => d >= 0 && d !== shape[k + 1]) || count < 1) {
    throw new DcError('DATA_MISMATCH', `${o.data}: an array of shape [${shape.join(', ')}] does not fit the model input [${want.join(', ')}] (-1: any)`, { hint: 'Give the inputs as one .npy array [N, ...the input shape], in the layout the model expects (NHWC images).' });
  }
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  return [tfjs.tensor(Float32Array.from(values.subarray(0, count * size)), [count, ...shape.slice(1)], model.inputs[0].dtype as 'float32')];
}

/** Runs the GraphModel file at `path` (see the module comment). */
export async function runGraphFile(path: string, o: RunGraphOptions = {}): Promise<RunGraphResult> {
  const bytes = new Uint8Array(await readFile(path));
  const tfjs = await importTfjsPackage('@tensorflow/tfjs');
  await activateTfBackend(tfjs, BACKENDS[o.backend ?? 'cpu']);
  const model = await tfjs.loadGraphModel(dcmGraphModelHandler(bytes));
  const inputs = await inputsOf(tfjs, model, o);
  const t0 = performance.now();
  try {
    const feed = inputs.length === 1 ? inputs[0] : inputs;
    let out: tf.Tensor | tf.Tensor[];
    try {
      out = model.execute(feed);
    } catch {
      out = await model.executeAsync(feed); // control flow or dynamic shapes
    }
    const outs = Array.isArray(out) ? out : [out];
    const outputs = outs.map((t, i) => statsOf(model.outputs[i]?.name ?? `output ${i}`, t));
    tfjs.dispose(outs);
    return {
      format: 'graph-model',
      file: path,
      backend: tfjs.getBackend(),
      samples: inputs[0]?.shape[0] ?? 1,
      synthetic: o.data === undefined,
      inputs: model.inputs.map((i) => ({ name: i.name, shape: i.shape ?? [], dtype: i.dtype })),
      outputs,
      milliseconds: performance.now() - t0,
    };
  } finally {
    tfjs.dispose(inputs);
    model.dispose();
  }
}

/** The human-readable report of {@link runGraphFile}. */
export function formatRunGraph(r: RunGraphResult): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : String(x));
  const lines = r.outputs.map((o) => `  ${o.name} [${o.shape.join(', ')}] ${o.dtype}: min ${f(o.min)}, max ${f(o.max)}, mean ${f(o.mean)}, std ${f(o.std)}${o.nonFinite ? `, ${o.nonFinite} non-finite` : ''}`);
  const what = r.synthetic ? 'one synthetic sample (uniform [0, 1), seed 7)' : `${r.samples.toLocaleString('en')} samples`;
  return [`${r.file}: tfjs GraphModel run on ${what} (tfjs ${r.backend}, ${Math.round(r.milliseconds)} ms)`, ...lines].join('\n');
}

/** `dc run`: a GraphModel file (version 4) through tfjs, or a layer-graph file with the sparse runtime (which needs `--data`). */
export async function runAnyFile(path: string, o: RunOptions & RunGraphOptions): Promise<RunGraphResult | RunResult> {
  const head = new Uint8Array(10);
  const handle = await open(path, 'r').catch((cause: unknown) => {
    throw new DcError('DATASET_NOT_FOUND', `cannot read ${path}`, { cause, hint: 'Check the path of the .dcm file.' });
  });
  await handle.read(head, 0, 10, 0).finally(() => handle.close());
  if (isGraphModelDcm(head)) return runGraphFile(path, o);
  if (o.data === undefined) throw new DcError('INVALID_OPTION', `${path} holds a layer graph: dc run needs --data to run it on`, { option: 'data', hint: 'Pass --data <IDX folder | .npy inputs> (and --labels for accuracy).' });
  return runFile(path, o);
}

/** The report of {@link runAnyFile}. */
export function formatRunAny(r: RunGraphResult | RunResult): string {
  return 'format' in r ? formatRunGraph(r) : formatRun(r);
}
