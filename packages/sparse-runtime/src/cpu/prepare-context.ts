/**
 * What the cpu kernels of one prepared model share: the options, each weighted step's kernel as
 * sparse rows, and one WASM instance holding every product-shaped kernel (dense layers and 1×1
 * convolutions, which are the same sparse × dense product over pixels).
 */
import type { ModelPlan, PlanStep } from '../model/plan.js';
import type { CpuKernelOptions } from './kernel-options.js';
import { toSparseRows, type SparseRows } from '../sparse/sparse-rows.js';
import { fitsWasm, WasmDenseKernels } from './wasm/wasm-dense.js';
import { spmmModule } from './wasm/wasm-modules.js';

/** Shared by the kernels of one prepared model. */
export interface CpuPrepareContext {
  readonly options: CpuKernelOptions;
  /** The kernel of each weighted step, by step index. */
  readonly rows: ReadonlyMap<number, SparseRows>;
  /** The WASM instance of the product-shaped kernels (null without SIMD or with a TypeScript `batchKernel`). */
  wasm: WasmDenseKernels | null;
  /** Step index → layer index inside {@link wasm}. */
  readonly wasmIndex: ReadonlyMap<number, number>;
}

/** True for a step computed as a sparse × dense product: dense, and conv2d with a 1×1 kernel. */
export function isProduct(step: PlanStep): boolean {
  return step.kind === 'dense' || (step.kind === 'conv2d' && step.window!.kernelSize[0] === 1 && step.window!.kernelSize[1] === 1);
}

/** Builds the sparse rows of every kernel and the WASM instance of the product-shaped ones. */
export function prepareContext(plan: ModelPlan, options: CpuKernelOptions): CpuPrepareContext {
  const rows = new Map<number, SparseRows>();
  for (const step of plan.steps) if (step.params.kernel) rows.set(step.index, toSparseRows(step.params.kernel));
  const module = options.batchKernel === 'per-sample' || options.batchKernel === 'tiled' ? null : spmmModule();
  const products = plan.steps.filter((s) => isProduct(s) && fitsWasm(rows.get(s.index)!));
  const wasmIndex = new Map(products.map((s, i) => [s.index, i]));
  const wasm = module && products.length > 0 ? new WasmDenseKernels(module, products.map((s) => ({ m: rows.get(s.index)!, bias: s.params.bias ?? null }))) : null;
  return { options, rows, wasm, wasmIndex };
}
