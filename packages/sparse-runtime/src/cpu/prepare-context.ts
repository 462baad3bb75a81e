/**
 * What the cpu kernels of one prepared model share: the options, each weighted step's kernel as
 * sparse rows, one WASM instance holding the dense layers' one-sample kernels, and the WASM memory
 * of the convolutions, 1×1 included, and pooling (`wasm/conv-arena.ts`; their kernels are
 * `wasm/wasm-conv.ts`, `wasm/wasm-depthwise.ts` and `wasm/wasm-pool.ts`).
 */
import type { ModelPlan } from '../model/plan.js';
import type { CpuKernelOptions } from './kernel-options.js';
import { toSparseRows, type SparseRows } from '../sparse/sparse-rows.js';
import { ConvArena } from './wasm/conv-arena.js';
import { fitsWasm, WasmDenseKernels } from './wasm/wasm-dense.js';
import { spmmModule } from './wasm/wasm-modules.js';

/** Shared by the kernels of one prepared model. */
export interface CpuPrepareContext {
  readonly options: CpuKernelOptions;
  /** The kernel of each weighted step, by step index. */
  readonly rows: ReadonlyMap<number, SparseRows>;
  /** The WASM instance of the dense layers (null without SIMD, with a TypeScript `batchKernel`, or without dense layers). */
  wasm: WasmDenseKernels | null;
  /** Step index → layer index inside {@link wasm}. */
  readonly wasmIndex: ReadonlyMap<number, number>;
  /** The convolution and pooling kernels' shared memory: one layer's output is read in place by the next. */
  readonly arena: ConvArena;
}

/** Builds the sparse rows of every kernel, the WASM instance of the dense layers and the kernels' shared memory. */
export function prepareContext(plan: ModelPlan, options: CpuKernelOptions): CpuPrepareContext {
  const rows = new Map<number, SparseRows>();
  for (const step of plan.steps) if (step.params.kernel) rows.set(step.index, toSparseRows(step.params.kernel));
  const module = options.batchKernel === 'per-sample' || options.batchKernel === 'tiled' ? null : spmmModule();
  const products = plan.steps.filter((s) => s.kind === 'dense' && fitsWasm(rows.get(s.index)!));
  const wasmIndex = new Map(products.map((s, i) => [s.index, i]));
  const wasm = module && products.length > 0 ? new WasmDenseKernels(module, products.map((s) => ({ m: rows.get(s.index)!, bias: s.params.bias ?? null }))) : null;
  return { options, rows, wasm, wasmIndex, arena: new ConvArena() };
}
