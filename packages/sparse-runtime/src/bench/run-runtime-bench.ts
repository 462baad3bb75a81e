/**
 * The runtime benchmark: the cpu backend against the dense tfjs-wasm network (matMul on the dense
 * reconstruction of the same weights), side by side in one run, at batch 1 and 1,000, on a
 * compressed LeNet-300-100 (a real file when given, else a real-sized random pruned and clustered
 * model: 8% kept, 5 bits), plus load time (file → ready session).
 */
import type { CompressedModel } from '@dc/core';
import * as tf from '@tensorflow/tfjs';
import { createCpuBackend, type CpuBackendOptions } from '../cpu/index.js';
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
  /** Batch sizes; default `[1, 1000]`. */
  readonly batchSizes?: readonly number[];
  /** Minimum measuring time per batch size in ms (default 1000). */
  readonly minTimeMs?: number;
  /** Options of the cpu backend under test. */
  readonly cpu?: CpuBackendOptions;
  /**
   * Speed-up goals by batch size. Default: the LeNet-300-100 goals (3× at batch 1, 1.5× at
   * batch 1,000) for models made of dense layers only, none for convnets.
   */
  readonly targets?: Readonly<Record<number, number>>;
}

/** One batch size's figures. */
export interface RuntimeBenchRow {
  readonly batch: number;
  /** Median ms per batch on the cpu backend. */
  readonly cpuMs: number;
  /** Median ms per batch for the dense network on tfjs-wasm. */
  readonly denseWasmMs: number;
  /** `denseWasmMs / cpuMs`: how many times faster the cpu backend is. */
  readonly speedup: number;
  /** The goal for this batch size (for MLPs: 3 at batch 1, 1.5 at batch 1,000), when there is one. */
  readonly target?: number;
  readonly meetsTarget?: boolean;
}

/** The result of {@link runRuntimeBench} (plain JSON). */
export interface RuntimeBenchResult {
  readonly model: { readonly name: string; readonly source: 'file' | 'model' | 'random'; readonly parameters: number; readonly kept: number; readonly fileBytes?: number; readonly inputShape: readonly number[] };
  readonly inputs: string;
  /**
   * File → ready cpu session: read + decode + plan, then backend prepare (ms), for the first load
   * in the process (cold: includes compiling the code paths) and the median of 5 loads after it.
   */
  readonly load: { readonly decodeMs: number; readonly prepareMs: number; readonly totalMs: number; readonly warmMedianMs: number };
  readonly rows: readonly RuntimeBenchRow[];
  readonly environment: { readonly node?: string; readonly tfjs: string; readonly tfjsBackend: string };
}

const TARGETS: Record<number, number> = { 1: 3, 1000: 1.5 };

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
  const denseBackend = await createTfjsBackend({ tf, tfBackend: 'wasm' });
  const dense = await createSession(loaded, { backend: denseBackend });
  const rows: RuntimeBenchRow[] = [];
  const targets = options.targets ?? (loaded.plan.steps.some((s) => s.kind !== 'dense' && s.params.kernel) ? {} : TARGETS);
  try {
    for (const batch of options.batchSizes ?? [1, 1000]) {
      const n = batch * loaded.inputSize;
      let x: Float32Array;
      if (options.inputs && options.inputs.length >= loaded.inputSize) {
        x = new Float32Array(n);
        for (let o = 0; o < n; o += options.inputs.length) x.set(options.inputs.subarray(0, Math.min(options.inputs.length, n - o)), o);
      } else {
        x = randomInput(batch, n, 0.5);
      }
      const [cpuMs, denseWasmMs] = await timeInterleaved([() => cpu.predict(x, batch), () => dense.predict(x, batch)], { minTimeMs: options.minTimeMs ?? 1000 });
      const target = targets[batch];
      const speedup = denseWasmMs / cpuMs;
      rows.push({ batch, cpuMs, denseWasmMs, speedup, ...(target ? { target, meetsTarget: speedup >= target } : {}) });
    }
  } finally {
    cpu.dispose();
    dense.dispose();
  }
  return {
    model: { name: loaded.compressed.name, source, inputShape: loaded.inputShape, ...countKept(loaded.compressed), ...(loaded.fileBytes ? { fileBytes: loaded.fileBytes } : {}) },
    inputs: options.inputs ? (options.inputsLabel ?? 'given inputs') : 'random inputs (half exact zeros)',
    load: { decodeMs: loaded.loadMs, prepareMs: cpu.prepareMs, totalMs, warmMedianMs: median(warm) },
    rows,
    environment: { ...(typeof process !== 'undefined' ? { node: process.version } : {}), tfjs: tf.version.tfjs, tfjsBackend: tf.getBackend() },
  };
}
