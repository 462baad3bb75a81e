/**
 * The CPU backend: TypeScript kernels that compute from the compressed form. At prepare time each
 * kernel becomes compressed sparse rows keeping its codes (Uint8/Uint16) and codebook; nothing
 * is densified.
 */
import { DcError } from '@dc/core';
import type { PreparedModel, RuntimeBackend } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import type { PlannedLayer } from '../model/plan.js';
import { toSparseRows, type SparseRows } from '../sparse/sparse-rows.js';
import { applyActivation, fillBias } from './activation.js';
import { runInChunks } from './batch-chunks.js';
import { sparseConvSample } from './conv-kernel.js';
import { convSpecOf } from './conv-spec.js';
import { spmmTiled, spmvSkipZeros, type TileScratch } from './dense-kernel.js';
import { pool } from './pool-kernel.js';
import { createWasmConv } from './wasm/wasm-conv.js';
import { fitsWasm, WasmDenseKernels } from './wasm/wasm-dense.js';
import { checkThreads, withThreads, type CpuThreads } from './threads/with-threads.js';
import { spmmModule } from './wasm/wasm-modules.js';

/** How dense layers run batches larger than one. */
export type CpuBatchKernel = 'auto' | 'per-sample' | 'tiled' | 'wasm';

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * `per-sample` runs the EIE-style zero-skipping product per sample; `tiled` transposes blocks of
   * 16 samples and updates contiguous output tiles in TypeScript; `wasm` does the same in the
   * WASM SIMD kernel (batch 1: a scalar WASM loop over the nonzero inputs), falling back to
   * `tiled` where WebAssembly SIMD is missing; `auto` (default) uses `wasm` from
   * {@link CpuBackendOptions.wasmMinBatch} samples on, `per-sample` below.
   */
  readonly batchKernel?: CpuBatchKernel;
  /** Smallest batch that `auto` sends to the WASM kernels (default 1: measured faster than TypeScript at every batch size). */
  readonly wasmMinBatch?: number;
  /**
   * Threads for inference (default 1: the calling thread only). With more, `prepare` starts
   * `threads − 1` worker threads (Node `worker_threads`, browser module Workers), each holding the
   * model, and batches of at least {@link CpuBackendOptions.threadMinBatch} samples are split
   * between them and the calling thread; `dispose` stops them. `'auto'`: one thread per CPU core,
   * falling back to the calling thread where workers cannot start.
   */
  readonly threads?: CpuThreads;
  /** Smallest batch that is split across threads (default 32). */
  readonly threadMinBatch?: number;
}

/**
 * Per prepared model: the WASM instance for its dense and conv layers, if any; null when there is
 * none or `batchKernel` picks the TypeScript kernels (`per-sample`, `tiled`).
 */
interface Shared {
  wasm: WasmDenseKernels | null;
  wasmIndex: Map<SparseRows, number>;
}

type Step = (x: Float32Array, batch: number) => Float32Array;

function compile(layer: PlannedLayer, m: SparseRows | null, opts: Required<CpuBackendOptions>, shared: Shared): Step {
  switch (layer.op) {
    case 'dense': {
      if (!m) throw new Error('unreachable: dense layer without sparse rows');
      const scratch: TileScratch = { xT: new Float32Array(0), yT: new Float32Array(0) };
      const wasmIndex = shared.wasmIndex.get(m);
      return (x, batch) => {
        const k = opts.batchKernel;
        const big = k === 'wasm' || k === 'tiled' || (k === 'auto' && batch >= opts.wasmMinBatch);
        if (big && shared.wasm && wasmIndex !== undefined && k !== 'tiled') {
          const relu = layer.activation === 'relu';
          const y = shared.wasm.run(wasmIndex, x, batch, relu);
          if (!relu) applyActivation(y, layer.activation, layer.units);
          return y;
        }
        const y = new Float32Array(batch * layer.units);
        fillBias(y, batch, layer.units, layer.bias);
        if (big) spmmTiled(m, x, y, batch, scratch);
        else for (let b = 0; b < batch; b++) spmvSkipZeros(m, x, b * layer.inputSize, y, b * layer.units);
        applyActivation(y, layer.activation, layer.units);
        return y;
      };
    }
    case 'conv2d': {
      if (!m) throw new Error('unreachable: conv layer without sparse rows');
      const kernel = opts.batchKernel === 'per-sample' || opts.batchKernel === 'tiled' ? null : createWasmConv(convSpecOf(layer, m));
      if (kernel) return (x, batch) => kernel.run(x, batch);
      const inSize = layer.input[0] * layer.input[1] * layer.input[2];
      const outSize = layer.output[0] * layer.output[1] * layer.output[2];
      const F = layer.output[2];
      return (x, batch) => {
        const y = new Float32Array(batch * outSize);
        fillBias(y, batch * layer.output[0] * layer.output[1], F, layer.bias);
        for (let b = 0; b < batch; b++) sparseConvSample(layer, m, x, b * inSize, y, b * outSize);
        applyActivation(y, layer.activation, F);
        return y;
      };
    }
    case 'maxPool':
    case 'avgPool': {
      const wasm = shared.wasm;
      return wasm ? (x, batch) => wasm.runPool(layer, x, batch) : (x, batch) => pool(layer, x, batch);
    }
    case 'activation':
      return (x) => {
        const y = new Float32Array(x);
        applyActivation(y, layer.activation, layer.lastDim);
        return y;
      };
    case 'reshape':
      return (x) => x;
  }
}

/**
 * Creates the CPU backend (no dependencies; works in Node and browsers).
 *
 * ```ts
 * const session = await createSession(model, { backend: createCpuBackend() });
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): RuntimeBackend {
  const opts: Required<CpuBackendOptions> = {
    batchKernel: options.batchKernel ?? 'auto',
    wasmMinBatch: options.wasmMinBatch ?? 1,
    threads: options.threads ?? 1,
    threadMinBatch: options.threadMinBatch ?? 32,
  };
  checkThreads(opts.threads, opts.threadMinBatch);
  if (!['auto', 'per-sample', 'tiled', 'wasm'].includes(opts.batchKernel)) {
    throw new DcError('INVALID_OPTION', `option "batchKernel": expected auto, per-sample, tiled or wasm, got ${String(opts.batchKernel)}`, { option: 'batchKernel' });
  }
  return {
    name: 'cpu',
    async prepare(model: LoadedModel): Promise<PreparedModel> {
      const rows = model.plan.map((l) => (l.op === 'dense' || l.op === 'conv2d' ? toSparseRows(l.kernel) : null));
      const shared: Shared = { wasm: null, wasmIndex: new Map() };
      const module = opts.batchKernel === 'per-sample' || opts.batchKernel === 'tiled' ? null : spmmModule();
      const wasmLayers = model.plan.flatMap((l, i) => {
        const m = rows[i];
        return m && l.op === 'dense' && fitsWasm(m) ? [{ m, bias: l.bias }] : [];
      });
      if (module && wasmLayers.length > 0) {
        shared.wasm = new WasmDenseKernels(module, wasmLayers);
        wasmLayers.forEach((l, i) => shared.wasmIndex.set(l.m, i));
      }
      let steps = model.plan.map((l, i) => compile(l, rows[i], opts, shared));
      const local: PreparedModel = {
        async run(input, batch) {
          return runInChunks(
            (x, n) => steps.reduce((h, step) => step(h, n), x),
            input,
            batch,
            model.inputSize,
            model.outputSize,
          );
        },
        dispose() {
          // Drops the kernels and the WASM memory (it grows with the largest batch and cannot shrink).
          steps = [];
          shared.wasm = null;
          shared.wasmIndex.clear();
        },
      };
      return withThreads(local, model, opts);
    },
  };
}
