/**
 * Which device buffer holds which value of the graph. Value 0 is the model input, value `i + 1`
 * the output of node `i`. As the plan's schedule says, a view (flatten, reshape, dropout) shares
 * its input's buffer and an element-wise node may write over an input no later node reads (its
 * program then reads that input from the output binding). Other buffers are pooled: once no later
 * node reads a value, its buffer returns to the pool and the next node that needs one takes it
 * (the smallest that fits, else the largest free one, grown), so the peak is far below one buffer
 * per value. Otherwise a node's output never shares a buffer with its inputs (WebGPU forbids
 * binding one buffer as both read-only and writable in a dispatch).
 */

/** The graph as the pool sees it. */
export interface BufferPlanInput {
  /** Elements per sample of the model input. */
  readonly inputSize: number;
  readonly nodes: ReadonlyArray<{
    /** Value ids the node reads. */
    readonly inputs: readonly number[];
    /** Elements per sample of its output. */
    readonly outputSize: number;
    /** The position in `inputs` whose buffer the output takes (a view: 0; in place: the input it overwrites), or -1. */
    readonly shares: number;
  }>;
}

/** Where every value lives. */
export interface BufferPlan {
  /** Buffer index of each value (index 0: the model input). */
  readonly bufferOf: readonly number[];
  /** Elements per sample each buffer must hold. */
  readonly bufferSizes: readonly number[];
  /** Σ bufferSizes: activation elements per sample held on the device at the peak. */
  readonly peakElements: number;
  /** Σ of every value's elements per sample: what one buffer per value would hold. */
  readonly unpooledElements: number;
}

/** Assigns pooled buffers to the values of `g`. */
export function planBuffers(g: BufferPlanInput): BufferPlan {
  const values = g.nodes.length + 1;
  const root = new Array<number>(values);
  root[0] = 0;
  g.nodes.forEach((n, i) => {
    root[i + 1] = n.shares >= 0 ? root[n.inputs[n.shares]] : i + 1;
  });
  // The last node reading each buffer-owning value (through any alias of it); the output never dies.
  const lastUse = new Array<number>(values).fill(-1);
  g.nodes.forEach((n, i) => {
    for (const v of n.inputs) lastUse[root[v]] = i;
  });
  lastUse[root[values - 1]] = Infinity;

  const sizes: number[] = [];
  const free: number[] = [];
  const bufferOf = new Array<number>(values);
  const take = (need: number): number => {
    const fits = free.filter((b) => sizes[b] >= need).sort((a, b) => sizes[a] - sizes[b]);
    const pick = fits[0] ?? free.sort((a, b) => sizes[b] - sizes[a])[0];
    if (pick === undefined) return sizes.push(need) - 1;
    free.splice(free.indexOf(pick), 1);
    sizes[pick] = Math.max(sizes[pick], need);
    return pick;
  };
  bufferOf[0] = take(g.inputSize);
  let unpooled = g.inputSize;
  g.nodes.forEach((n, i) => {
    if (n.shares >= 0) {
      bufferOf[i + 1] = bufferOf[n.inputs[n.shares]];
    } else {
      bufferOf[i + 1] = take(n.outputSize);
      unpooled += n.outputSize;
    }
    for (const v of new Set(n.inputs.map((x) => root[x]))) if (lastUse[v] === i) free.push(bufferOf[v]);
  });
  return { bufferOf, bufferSizes: sizes, peakElements: sizes.reduce((a, b) => a + b, 0), unpooledElements: unpooled };
}
