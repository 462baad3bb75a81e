/**
 * The cpu backend's graph executor: runs a plan's steps in topological order, holding values by
 * id, and follows the plan's buffer schedule: a step marked in place writes over the input the
 * schedule names, views (flatten, reshape, dropout) return their input, and a value is dropped as
 * soon as no later step reads it (its memory goes back to the garbage collector, or to the next
 * in-place step). The caller's input is read, never written.
 */
import type { ModelPlan } from '../model/plan.js';

/**
 * One step's computation: `inputs` are the step's input values (`batch` samples each); `target`,
 * given for in-place steps only, is the input to write the output over (return it). Other steps
 * return a new array, or their input for views.
 */
export type CpuKernel = (inputs: readonly Float32Array[], batch: number, target: Float32Array | undefined) => Float32Array;

/** Bytes of the distinct arrays among `values` (views and in-place outputs are the same array). */
function liveBytes(values: readonly (Float32Array | undefined)[]): number {
  let bytes = 0;
  for (const a of new Set(values)) bytes += a?.byteLength ?? 0;
  return bytes;
}

/**
 * Runs `plan` on `batch` samples of `x` with `kernels[i]` computing step `i`. `observe`, when
 * given, receives the bytes held by live values right after each step computed (before the
 * values it was the last reader of are dropped): the quantity `peakActivationBytes` bounds.
 */
export function executeGraph(plan: ModelPlan, kernels: readonly CpuKernel[], x: Float32Array, batch: number, observe?: (liveBytes: number) => void): Float32Array {
  const values: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(plan.steps.length + 1);
  values[0] = x;
  for (const step of plan.steps) {
    const inputs = step.inputs.map((v) => values[v]!);
    const j = plan.inPlace[step.index];
    values[step.output] = kernels[step.index](inputs, batch, j >= 0 ? inputs[j] : undefined);
    observe?.(liveBytes(values));
    for (const v of plan.releases[step.index]) values[v] = undefined;
  }
  return values[plan.steps.length]!;
}
