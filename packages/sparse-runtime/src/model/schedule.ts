/**
 * The buffer schedule of a plan: which buffer holds each value, when each buffer dies, which steps
 * may write over an input, and the peak activation memory that results. Backends follow it; the
 * cpu executor does exactly (a test checks its live bytes against {@link Schedule.peakActivationBytes}).
 */
import { releasesAfter, type LayerKind, type Shape } from '@dc/core';
import type { PlanStep, ValueId } from './plan.js';

/** Kinds whose output is their input's data unchanged (row-major): a view, no buffer of its own. */
export const VIEW_KINDS: ReadonlySet<LayerKind> = new Set(['flatten', 'reshape', 'dropout']);

/** Element-wise kinds that may write their output over an input of the same size. */
export const IN_PLACE_KINDS: ReadonlySet<LayerKind> = new Set(['activation', 'rescale', 'masking', 'batchNorm', 'prelu', 'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum']);

/** What {@link scheduleOf} adds to a plan. */
export interface Schedule {
  /** Elements per sample of each value (indexed by value id; 0 is the model input). */
  readonly valueSizes: readonly number[];
  /**
   * The buffer each value lives in, named by the value that allocated it: views (flatten,
   * reshape, dropout) and in-place steps share their input's buffer. Buffer 0 is the caller's
   * input, which is never written.
   */
  readonly bufferOf: readonly ValueId[];
  /**
   * Per step, the position in its `inputs` whose buffer the output may overwrite (the buffer is
   * read by nothing later and is not the model input), or -1: the step needs a new buffer (or is a view).
   */
  readonly inPlace: readonly number[];
  /** Per step, the values no later step reads (core's `releasesAfter`); the model output never appears. */
  readonly releases: readonly (readonly ValueId[])[];
  /** Per step, the buffers that die after it: every value they hold is released. */
  readonly frees: readonly (readonly ValueId[])[];
  /**
   * The most float32 bytes per sample held at once by live buffers when the steps run in order,
   * each step's new buffer allocated while its inputs are alive and buffers freed right after
   * their last reader: the model input while a step still reads it, every intermediate value, and
   * the output. Kernel scratch and weights are not included. A batch of `n` samples run at once
   * needs `n` times this.
   */
  readonly peakActivationBytes: number;
  /**
   * The same peak without the model input: what an executor holds beyond the caller's input when
   * it reads that input in place (the cpu backend's chunks of samples are views of it).
   */
  readonly peakBytesBeyondInput: number;
}

const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Schedules `steps` (as the plan builds them: step `i` writes value `i + 1`). */
export function scheduleOf(inputShape: Shape, steps: readonly PlanStep[]): Schedule {
  const valueSizes = [size(inputShape), ...steps.map((s) => s.outputSize)];
  const released = releasesAfter({ inputName: '0', layers: steps.map((s) => ({ name: String(s.output), inputs: s.inputs.map(String) })) });
  const releases = released.map((names) => names.map(Number));
  // The step after which each value is last read; the output is never released.
  const lastRead = valueSizes.map(() => Infinity);
  releases.forEach((values, i) => values.forEach((v) => (lastRead[v] = i)));
  const bufferOf: ValueId[] = [0];
  const bufferLast = new Map<ValueId, number>([[0, lastRead[0]]]);
  const inPlace = steps.map((step, i) => {
    const join = (buffer: ValueId) => {
      bufferOf.push(buffer);
      bufferLast.set(buffer, Math.max(bufferLast.get(buffer)!, lastRead[step.output]));
    };
    if (VIEW_KINDS.has(step.kind)) {
      join(bufferOf[step.inputs[0]]);
      return -1;
    }
    const j = IN_PLACE_KINDS.has(step.kind)
      ? step.inputs.findIndex((v) => bufferOf[v] !== 0 && bufferLast.get(bufferOf[v]) === i && valueSizes[v] === step.outputSize)
      : -1;
    if (j >= 0) join(bufferOf[step.inputs[j]]);
    else {
      bufferOf.push(step.output);
      bufferLast.set(step.output, lastRead[step.output]);
    }
    return j;
  });
  const frees: ValueId[][] = steps.map(() => []);
  for (const [buffer, last] of bufferLast) if (last !== Infinity) frees[last].push(buffer);
  const peakOf = (countInput: boolean) => {
    let live = countInput ? valueSizes[0] : 0;
    let peak = live;
    steps.forEach((step, i) => {
      if (bufferOf[step.output] === step.output) live += step.outputSize;
      peak = Math.max(peak, live);
      for (const b of frees[i]) if (countInput || b !== 0) live -= valueSizes[b];
    });
    return peak * 4;
  };
  return { valueSizes, bufferOf, inPlace, releases, frees, peakActivationBytes: peakOf(true), peakBytesBeyondInput: peakOf(false) };
}
