/**
 * What a backend refuses to run, in one place. Every other (backend, op kind) pair has a kernel in
 * that backend's explicit map (a test checks that each backend covers core's `OPS` with kernels
 * and these refusals, and that each refusal is raised). A refused node fails at prepare with
 * `UNSUPPORTED_LAYER` naming the node, its kind and the reason, before any work starts.
 */
import { DcError, type LayerKind } from '@dc/core';
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

/** Whether a softmax normalises along an axis other than the last (counted with batch as 0). */
const softmaxNotLast = (s: PlanStep) => s.activation?.activation === 'softmax' && s.activation.axis !== -1 && s.activation.axis !== s.outputShape.length;

/** Every refusal. The cpu and webgpu backends refuse nothing. */
export const OP_REFUSALS: readonly OpRefusal[] = [
  {
    backend: 'tfjs',
    kind: 'activation',
    when: 'softmax along an axis other than the last',
    applies: softmaxNotLast,
    reason: "tfjs-core 4.22's softmax supports the last axis only ('Softmax along a non-last dimension is not yet supported'); use the cpu or webgpu backend",
  },
];

/** The refusal that stops `step` on `backend`, if any. */
export function refusalOf(backend: BackendFamily, step: PlanStep): OpRefusal | undefined {
  return OP_REFUSALS.find((r) => r.backend === backend && r.kind === step.kind && (!r.applies || r.applies(step)));
}

/** Throws `UNSUPPORTED_LAYER` naming the first node of `plan` that `backend` refuses. */
export function assertRunnable(plan: ModelPlan, backend: BackendFamily): void {
  for (const step of plan.steps) {
    const refusal = refusalOf(backend, step);
    if (refusal) {
      throw new DcError('UNSUPPORTED_LAYER', `layer "${step.name}" (${step.kind}${refusal.when ? `, ${refusal.when}` : ''}) cannot run on the ${backend} backend: ${refusal.reason}`, {
        tensor: step.name,
        hint: refusal.reason,
      });
    }
  }
}
