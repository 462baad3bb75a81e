/**
 * Device buffers for the values of a graph, driven by the plan's buffer schedule. Value 0 is the
 * model input, value `i + 1` the output of step `i`. The schedule names, for each value, the
 * logical buffer that holds it (views and in-place steps share their input's) and, after each
 * step, the logical buffers no later step reads. The pool maps logical buffers to device buffers:
 * when a step opens a logical buffer it takes a free device buffer (the smallest that fits, else
 * the largest free one, grown), and a logical buffer's device buffer returns to the pool right
 * after its last reader. A step's output never takes the device buffer of a value it reads
 * (inputs are freed after the step), except where the schedule runs it in place, and then its
 * program reads that input through its output binding (WebGPU forbids binding one buffer twice).
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

/** Assigns pooled device buffers to the values of a schedule. */
export function poolBuffers(s: BufferSchedule): BufferPlan {
  const sizes: number[] = [];
  const free: number[] = [];
  const deviceOf = new Map<number, number>();
  const open = (logical: number) => {
    const need = s.valueSizes[logical];
    const fits = free.filter((b) => sizes[b] >= need).sort((a, b) => sizes[a] - sizes[b]);
    let pick = fits[0] ?? free.sort((a, b) => sizes[b] - sizes[a])[0];
    if (pick === undefined) pick = sizes.push(need) - 1;
    else free.splice(free.indexOf(pick), 1);
    sizes[pick] = Math.max(sizes[pick], need);
    deviceOf.set(logical, pick);
  };
  open(0);
  s.frees.forEach((dying, i) => {
    if (s.bufferOf[i + 1] === i + 1) open(i + 1);
    for (const logical of dying) free.push(deviceOf.get(logical)!);
  });
  const unpooled = [...deviceOf.keys()].reduce((sum, logical) => sum + s.valueSizes[logical], 0);
  return {
    bufferOf: s.bufferOf.map((logical) => deviceOf.get(logical)!),
    bufferSizes: sizes,
    peakElements: sizes.reduce((a, b) => a + b, 0),
    unpooledElements: unpooled,
  };
}
