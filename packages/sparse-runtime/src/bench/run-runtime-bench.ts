/**
 * The runtime benchmark: the cpu backend on one thread and on all cores against the dense tfjs-wasm
 * network (the dense reconstruction of the same weights), side by side in one run, at batch 1, 32
 * and 1,000, on a compressed model (a real file when given, else a real-sized random pruned and
 * clustered LeNet-300-100: 8% kept, 5 bits), plus load time (file → ready session).
 */
import type { CompressedModel } from '@dc/core';
import * as tf from '@tensorflow/tfjs';
import { createCpuBackend, type CpuBackendOptions } from '../cpu/index.js';
import { cpuCores } from '../cpu/threads/with-threads.js';
import { loadCompressedModel } from '../model/load.js';
import { createSession } from '../session.js';
import { encodeModelFile } from '../testing/encode-file.js';
import { randomInput, randomMlp } from '../testing/random-model.js';
import { createTfjsBackend } from '../tfjs/index.js';
import { median, timeInterleaved } from './timing.js';

/** Options of {@link runRuntimeBench}. */
export interface RuntimeBenchOptions {
  /** A `.dcm` file (path or bytes) to benchmark; defaults to a random LeNet-300-100 (8% kept, 5 bits). */
  readonly file?: string | Uint8Array;
  /** Or an already decoded model. */
  readonly model?: CompressedModel;
  /** Input samples (e.g. MNIST test images, `n × inputSize`, scaled as in training); defaults to random inputs. */
  readonly inputs?: Float32Array;
  /** What `inputs` are, for the report (e.g. `'mnist test images'`). */
  readonly inputsLabel?: string;
  /** Batch sizes; default `[1, 32, 1000]`. */
  readonly batchSizes?: readonly number[];
  /** Minimum measuring time per batch size in ms (default 1000). */
  readonly minTimeMs?: number;
  /** Options of the cpu backend under test (its `threads` is ignored: see `threads`). */
  readonly cpu?: CpuBackendOptions;
  /**
   * Threads of the all-cores column (default: one per CPU core). With 1 (or on a one-core
   * machine) only the single-thread column is measured.
   */
  readonly threads?: number;
  /**
   * Single-thread speed-up goals by batch size. Default: issue #15's goals — 9× at batch 1 and 3×
   * at batch 1,000 for models of dense layers only, 4× and 1.5× for convnets.
   */
  readonly targets?: Readonly<Record<number, number>>;
  /** All-cores speed-up goals by batch size. Default: 2.5× at batch 1,000 for convnets (issue #15). */
  readonly threadTargets?: Readonly<Record<number, number>>;
}

/** One batch size's figures. */
export interface RuntimeBenchRow {
  readonly batch: number;
  /** Median ms per batch on the cpu backend, one thread. */
  readonly cpuMs: number;
  /** Median ms per batch on the cpu backend with {@link RuntimeBenchResult.threads} threads (absent with one). */
  readonly cpuThreadsMs?: number;
  /** Median ms per batch for the dense network on tfjs-wasm. */
  readonly denseWasmMs: number;
  /** `denseWasmMs / cpuMs`: how many times faster the cpu backend is on one thread. */
  readonly speedup: number;
  /** `denseWasmMs / cpuThreadsMs`: the same with all threads. */
  readonly threadsSpeedup?: number;
  /** The single-thread goal for this batch size, when there is one. */
  readonly target?: number;
  readonly meetsTarget?: boolean;
  /** The all-threads goal for this batch size, when there is one. */
  readonly threadsTarget?: number;
  readonly meetsThreadsTarget?: boolean;
}

/** The result of {@link runRuntimeBench} (plain JSON). */
export interface RuntimeBenchResult {
  readonly model: { readonly name: string; readonly source: 'file' | 'model' | 'random'; readonly parameters: number; readonly kept: number; readonly fileBytes?: number; readonly inputShape: readonly number[] };
  readonly inputs: string;
  /** Threads of the all-cores column (1: not measured). */
  readonly threads: number;
  /**
   * File → ready cpu session: read + decode + plan, then backend prepare (ms), for the first load
   * in the process (cold: includes compiling the code paths) and the median of 5 loads after it.
   */
  readonly load: { readonly decodeMs: number; readonly prepareMs: number; readonly totalMs: number; readonly warmMedianMs: number };
  readonly rows: readonly RuntimeBenchRow[];
  readonly environment: { readonly node?: string; readonly tfjs: string; readonly tfjsBackend: string };
}

const MLP_TARGETS: Record<number, number> = { 1: 9, 1000: 3 };
const CONVNET_TARGETS: Record<number, number> = { 1: 4, 1000: 1.5 };
const CONVNET_THREAD_TARGETS: Record<number, number> = { 1000: 2.5 };

function countKept(cm: CompressedModel): { parameters: number; kept: number } {
  let parameters = 0;
  let kept = 0;
  for (const t of cm.tensors.values()) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    parameters += n;
    if (t.layout === 'sparse' || t.layout === 'sparse-coded') kept += t.positions.length;
    // A dense-coded tensor of a pruned model codes its pruned elements with a zero centroid.
    else if (t.layout === 'dense-coded') for (const c of t.codes) kept += t.codebook[c] === 0 ? 0 : 1;
    else kept += n;
  }
  return { parameters, kept };
}

/** Runs the benchmark; see {@link RuntimeBenchOptions}. Takes a few seconds per batch size. */
export async function runRuntimeBench(options: RuntimeBenchOptions = {}): Promise<RuntimeBenchResult> {
  const source = options.file !== undefined ? 'file' : options.model ? 'model' : 'random';
  // Without a file, the random model is written as a real .dcm first, so load time is file → session.
  const from = options.file ?? options.model ?? encodeModelFile(randomMlp({ seed: 300100, sizes: [784, 300, 100, 10], density: 0.08, bits: 5 }));
  const t0 = performance.now();
  const loaded = await loadCompressedModel(from);
  const cpu = await createSession(loaded, { backend: createCpuBackend(options.cpu) });
  const totalMs = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    (await createSession(await loadCompressedModel(from), { backend: createCpuBackend(options.cpu) })).dispose();
    warm.push(performance.now() - t);
  }
  const threads = options.threads ?? (await cpuCores());
  const threaded = threads > 1 ? await createSession(loaded, { backend: createCpuBackend({ ...options.cpu, threads }) }) : undefined;
  const denseBackend = await createTfjsBackend({ tf, tfBackend: 'wasm' });
  const dense = await createSession(loaded, { backend: denseBackend });
  const rows: RuntimeBenchRow[] = [];
  const convnet = loaded.plan.steps.some((s) => s.kind !== 'dense' && s.params.kernel);
  const targets = options.targets ?? (convnet ? CONVNET_TARGETS : MLP_TARGETS);
  const threadTargets = options.threadTargets ?? (convnet ? CONVNET_THREAD_TARGETS : {});
  try {
    for (const batch of options.batchSizes ?? [1, 32, 1000]) {
      const n = batch * loaded.inputSize;
      let x: Float32Array;
      if (options.inputs && options.inputs.length >= loaded.inputSize) {
        x = new Float32Array(n);
        for (let o = 0; o < n; o += options.inputs.length) x.set(options.inputs.subarray(0, Math.min(options.inputs.length, n - o)), o);
      } else {
        x = randomInput(batch, n, 0.5);
      }
      const candidates = [() => cpu.predict(x, batch), () => dense.predict(x, batch), ...(threaded ? [() => threaded.predict(x, batch)] : [])];
      const [cpuMs, denseWasmMs, cpuThreadsMs] = await timeInterleaved(candidates, { minTimeMs: options.minTimeMs ?? 1000 });
      const target = targets[batch];
      const speedup = denseWasmMs / cpuMs;
      const row: RuntimeBenchRow = { batch, cpuMs, denseWasmMs, speedup, ...(target ? { target, meetsTarget: speedup >= target } : {}) };
      if (cpuThreadsMs === undefined) rows.push(row);
      else {
        const threadsSpeedup = denseWasmMs / cpuThreadsMs;
        const threadsTarget = threadTargets[batch];
        rows.push({ ...row, cpuThreadsMs, threadsSpeedup, ...(threadsTarget ? { threadsTarget, meetsThreadsTarget: threadsSpeedup >= threadsTarget } : {}) });
      }
    }
  } finally {
    cpu.dispose();
    threaded?.dispose();
    dense.dispose();
  }
  return {
    model: { name: loaded.compressed.name, source, inputShape: loaded.inputShape, ...countKept(loaded.compressed), ...(loaded.fileBytes ? { fileBytes: loaded.fileBytes } : {}) },
    inputs: options.inputs ? (options.inputsLabel ?? 'given inputs') : 'random inputs (half exact zeros)',
    threads: threaded ? threads : 1,
    load: { decodeMs: loaded.loadMs, prepareMs: cpu.prepareMs, totalMs, warmMedianMs: median(warm) },
    rows,
    environment: { ...(typeof process !== 'undefined' ? { node: process.version } : {}), tfjs: tf.version.tfjs, tfjsBackend: tf.getBackend() },
  };
}
