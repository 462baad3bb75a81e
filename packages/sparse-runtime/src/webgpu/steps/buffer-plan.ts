/**
 * Device buffers for the values of a graph, driven by the plan's buffer schedule. Value 0 is the
 * model input, value `i + 1` the output of step `i`. The schedule names, for each value, the
 * logical buffer that holds it (views and in-place steps share their input's) and, after each
 * step, the logical buffers no later step reads. The pool maps logical buffers to device buffers
 * so that two logical buffers alive at the same step never share one: a device buffer is reused
 * as soon as the logical buffers it held are dead. A step's output never takes the device buffer
 * of a value it reads (a buffer freed after step `i` is still alive during step `i`), except where
 * the schedule runs it in place, and then its program reads that input through its output binding
 * (WebGPU forbids binding one buffer twice in a dispatch).
 */

/** The part of the plan's schedule the pool reads. */
export interface BufferSchedule {
  /** Elements per sample of each value. */
  readonly valueSizes: readonly number[];
  /** The logical buffer of each value: the id of the value that opened it. */
  readonly bufferOf: readonly number[];
  /** Per step, the logical buffers that die after it. */
  readonly frees: readonly (readonly number[])[];
}

/** Where every value lives on the device. */
export interface BufferPlan {
  /** Device buffer index of each value (index 0: the model input). */
  readonly bufferOf: readonly number[];
  /** Elements per sample each device buffer must hold. */
  readonly bufferSizes: readonly number[];
  /** Σ bufferSizes: activation elements per sample the device holds. */
  readonly peakElements: number;
  /** Σ of the logical buffers' sizes: what one device buffer per logical buffer would hold. */
  readonly unpooledElements: number;
}

/**
 * Assigns pooled device buffers to the values of a schedule. All lifetimes are known at prepare,
 * so the assignment is offline, greedy by size (as TensorFlow Lite's arena planner orders its
 * tensors): the largest logical buffer first, each into the first device buffer that no logical
 * buffer alive at the same time uses, else into a new one. A device buffer is as large as the
 * largest logical buffer it holds.
 */
export function poolBuffers(s: BufferSchedule): BufferPlan {
  // Lifetime of each logical buffer: from the step that opens it (-1: the input) to its last reader.
  const life = new Map<number, [number, number]>();
  for (const logical of s.bufferOf) if (!life.has(logical)) life.set(logical, [logical - 1, Infinity]);
  s.frees.forEach((dying, i) => dying.forEach((b) => (life.get(b)![1] = i)));
  const order = [...life.keys()].sort((a, b) => s.valueSizes[b] - s.valueSizes[a] || a - b);
  const holders: Array<{ size: number; lives: Array<[number, number]> }> = [];
  const deviceOf = new Map<number, number>();
  for (const logical of order) {
    const [open, close] = life.get(logical)!;
    // A buffer opened at step i is written while the buffers freed after step i are still read.
    let d = holders.findIndex((h) => h.lives.every(([o, c]) => c < open || close < o));
    if (d < 0) d = holders.push({ size: s.valueSizes[logical], lives: [] }) - 1;
    holders[d].lives.push([open, close]);
    deviceOf.set(logical, d);
  }
  const sizes = holders.map((h) => h.size);
  return {
    bufferOf: s.bufferOf.map((logical) => deviceOf.get(logical)!),
    bufferSizes: sizes,
    peakElements: sizes.reduce((a, b) => a + b, 0),
    unpooledElements: [...life.keys()].reduce((sum, logical) => sum + s.valueSizes[logical], 0),
  };
}
