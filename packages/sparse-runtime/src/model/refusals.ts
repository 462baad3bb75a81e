/**
 * What a backend refuses to run, in one place. Every other (backend, op kind) pair has a kernel in
 * that backend's explicit map (a test checks that each backend covers core's `OPS` with kernels
 * and these refusals, and that each refusal is raised). A refused node fails at prepare with
 * `UNSUPPORTED_LAYER` naming the node, its kind and the reason, before any work starts.
 */
import { DcError, type LayerKind, type RecurrentConfig } from '@dc/core';
import { MAX_GPU_UNITS } from '../webgpu/shaders/recurrent.js';
import type { ModelPlan, PlanStep } from './plan.js';

/** The backend families of this package. */
export type BackendFamily = 'cpu' | 'tfjs' | 'webgpu';

/** One refusal. */
export interface OpRefusal {
  readonly backend: BackendFamily;
  readonly kind: LayerKind;
  /** Which nodes of the kind, in words; absent: all of them. */
  readonly when?: string;
  /** Whether `step` is refused (absent: every step of the kind). */
  readonly applies?: (step: PlanStep) => boolean;
  readonly reason: string;
}

/**
 * Every refusal. One: the webgpu backend's recurrent program keeps a layer's state in workgroup
 * memory, {@link MAX_GPU_UNITS} units at most. Otherwise every backend runs every op kind of core's
 * table (the tfjs backend through exact rewrites where tfjs 4.22 falls short, see
 * `tfjs/tfjs-compatible.ts`).
 */
export const OP_REFUSALS: readonly OpRefusal[] = [
  {
    backend: 'webgpu',
    kind: 'recurrent',
    when: `more than ${MAX_GPU_UNITS} units`,
    applies: (step) => (step.config as RecurrentConfig).units > MAX_GPU_UNITS,
    reason: `the webgpu program holds a recurrent layer's state in workgroup memory, ${MAX_GPU_UNITS} units at most: run this model with createCpuBackend() (sparse, multi-threaded) or the tfjs backend`,
  },
];

/** The refusal that stops `step` on `backend`, if any (`refusals`: default {@link OP_REFUSALS}). */
export function refusalOf(backend: BackendFamily, step: PlanStep, refusals: readonly OpRefusal[] = OP_REFUSALS): OpRefusal | undefined {
  return refusals.find((r) => r.backend === backend && r.kind === step.kind && (!r.applies || r.applies(step)));
}

/** Throws `UNSUPPORTED_LAYER` naming the first node of `plan` that `backend` refuses. */
export function assertRunnable(plan: ModelPlan, backend: BackendFamily, refusals: readonly OpRefusal[] = OP_REFUSALS): void {
  for (const step of plan.steps) {
    const refusal = refusalOf(backend, step, refusals);
    if (refusal) {
      throw new DcError('UNSUPPORTED_LAYER', `layer "${step.name}" (${step.kind}${refusal.when ? `, ${refusal.when}` : ''}) cannot run on the ${backend} backend: ${refusal.reason}`, {
        tensor: step.name,
        hint: refusal.reason,
      });
    }
  }
}
