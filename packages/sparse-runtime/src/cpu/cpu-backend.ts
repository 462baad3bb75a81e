/**
 * The CPU backend: kernels that compute from the compressed form, run by a graph executor. At
 * prepare time each kernel becomes compressed sparse rows keeping its codes (Uint8/Uint16) and
 * codebook; nothing is densified, except a depthwise kernel with multiplier 1 (at most KH × KW × C
 * floats, laid out dense with zeros for its pruned taps for the channels-in-lanes WASM kernel).
 * Every op kind has a kernel (`kernel-map.ts`).
 */
import { DcError } from '@dc/core';
import type { PreparedModel, RuntimeBackend } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { assertRunnable } from '../model/refusals.js';
import { runInChunks } from './batch-chunks.js';
import { executeGraph } from './graph-executor.js';
import { CPU_KERNELS } from './kernel-map.js';
import type { CpuBatchKernel } from './kernel-options.js';
import { prepareContext } from './prepare-context.js';
import { checkThreads, withThreads, type CpuThreads } from './threads/with-threads.js';

export type { CpuBatchKernel } from './kernel-options.js';

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * `per-sample` runs the EIE-style zero-skipping product per sample; `tiled` transposes blocks of
   * 16 samples and updates contiguous output tiles in TypeScript; `wasm` runs the WASM SIMD
   * kernels (batches: the direct convolution of a 1×1 image, 16 samples in the lanes; batch 1: a
   * scalar WASM loop over the nonzero inputs), falling back to `tiled` where WebAssembly SIMD is
   * missing; `auto` (default) uses `wasm` from {@link CpuBackendOptions.wasmMinBatch} samples on,
   * `per-sample` below. Convolutions run the WASM direct convolution unless `per-sample` or
   * `tiled` asks for TypeScript.
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
  /**
   * `'auto'` (default): a batch of {@link CpuBackendOptions.threadMinBatch} or more is split when
   * the model's own runs at that batch size were faster split (each size class tries both ways
   * three times, then keeps the faster and tries the other at runs 8, 16, 32 and every 32 runs
   * after: on a small model the messages and copies cost more than the threads save).
   * `'always'`: every such batch is split. Outputs are the same either way.
   */
  readonly threadSplit?: 'auto' | 'always';
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
    threadSplit: options.threadSplit ?? 'auto',
  };
  checkThreads(opts.threads, opts.threadMinBatch);
  if (!['auto', 'always'].includes(opts.threadSplit)) {
    throw new DcError('INVALID_OPTION', `option "threadSplit": expected auto or always, got ${String(opts.threadSplit)}`, { option: 'threadSplit' });
  }
  if (!['auto', 'per-sample', 'tiled', 'wasm'].includes(opts.batchKernel)) {
    throw new DcError('INVALID_OPTION', `option "batchKernel": expected auto, per-sample, tiled or wasm, got ${String(opts.batchKernel)}`, { option: 'batchKernel' });
  }
  return {
    name: 'cpu',
    async prepare(model: LoadedModel): Promise<PreparedModel> {
      const { plan } = model;
      assertRunnable(plan, 'cpu');
      const ctx = prepareContext(plan, opts);
      let kernels = plan.steps.map((step) => CPU_KERNELS[step.kind](step, ctx));
      // Every convolution has reserved its region: lay them out now rather than on the first run.
      ctx.arena.finalize();
      const local: PreparedModel = {
        async run(input, batch) {
          return runInChunks((x, n) => executeGraph(plan, kernels, x, n), input, batch, model.inputSize, model.outputSize);
        },
        dispose() {
          // Drops the kernels and their WASM memories (the dense layers' instance and the shared one).
          kernels = [];
          ctx.wasm = null;
          ctx.arena.release();
        },
      };
      return withThreads(local, model, opts);
    },
  };
}
