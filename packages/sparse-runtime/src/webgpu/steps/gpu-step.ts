/**
 * The host-side description of GPU work, free of WebGPU objects so it is tested without a device:
 * a node of the graph becomes a {@link GpuNode} of one or more {@link GpuStep}s (dispatches), each
 * with its WGSL, the read-only arrays it binds and its uniform values for a given batch.
 */

/**
 * One dispatch. Bindings: 0 the uniform block, then the activation inputs (`inputs`), then
 * `arrays`, then the node's output buffer (read-write: a step may also read what an earlier step
 * of the same node wrote there).
 */
export interface GpuStep {
  /** The node it comes from. */
  readonly layer: string;
  /** WGSL for `q` vec4 of samples per thread (1 or 4); programs that do not block ignore `q`. */
  readonly shader: (q: 1 | 4) => string;
  /** True when a thread handles `q` vec4 of samples (dense and convolutions); otherwise one. */
  readonly blocked: boolean;
  /** Which of the node's inputs it binds, in binding order (none for a step working on the output in place). */
  readonly inputs: readonly number[];
  /** Read-only arrays bound after the inputs, in binding order. */
  readonly arrays: ReadonlyArray<Uint32Array | Float32Array>;
  /** Uniform field names, in struct order (`total`, `rowStride`, `quads` first). */
  readonly fields: readonly string[];
  /** Uniform values other than `total`, `rowStride` and `quads`, which depend on the batch. */
  readonly fixed: Readonly<Record<string, number>>;
  /** Work items per vec4 of samples (output elements; rows for softmax; input elements for a concatenation slice). */
  readonly items: number;
}

/** The GPU work of one graph node. */
export interface GpuNode {
  readonly name: string;
  /** Dispatches in order, all writing the node's output. Empty for views (flatten, reshape, dropout): no work. */
  readonly steps: readonly GpuStep[];
}

/** Read-only storage bindings of `step` (its inputs and arrays): the bind-group layout it needs. */
export function readOnlyBindings(step: GpuStep): number {
  return step.inputs.length + step.arrays.length;
}

/** A step that binds its node's first input, no arrays, and one thread per item and vec4. */
export function simpleStep(layer: string, wgsl: string, fields: readonly string[], fixed: Record<string, number>, items: number, inputs: readonly number[] = [0], arrays: GpuStep['arrays'] = []): GpuStep {
  return { layer, shader: () => wgsl, blocked: false, inputs, arrays, fields, fixed, items };
}

/** Threads of `step` for `quads` vec4 of samples, `q` of them per thread in blocked programs. */
export function threadsOf(step: GpuStep, quads: number, q: 1 | 4): number {
  return step.items * (step.blocked ? quads / q : quads);
}

/** The uniform block of `step` for `quads` vec4 of samples, given the dispatch's threads per grid row. */
export function uniformsOf(step: GpuStep, quads: number, q: 1 | 4, rowStride: number): Uint32Array<ArrayBuffer> {
  const values = new Uint32Array(Math.ceil(step.fields.length / 4) * 4);
  const batchDependent: Record<string, number> = { total: threadsOf(step, quads, q), rowStride, quads };
  step.fields.forEach((f, i) => {
    // Negative values (i32 fields) wrap to their two's complement, as WGSL reads them.
    values[i] = batchDependent[f] ?? step.fixed[f];
  });
  return values;
}
