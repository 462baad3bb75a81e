/**
 * What the convolution kernels placed in a `ConvArena` region share: instantiating their module
 * on the region's memory with their offsets made absolute, and running a batch group by group with
 * a chunk's group returned as a view of the output region.
 */
import { outputBuffer } from '../output-buffer.js';
import type { ArenaRegion, ConvArena } from './conv-arena.js';

/** Bump allocation of 64-byte aligned offsets in a kernel's region; `size` is the total so far. */
export function regionLayout(): { take(bytes: number): number; readonly size: number } {
  let size = 0;
  return {
    take(bytes) {
      const at = size;
      // Not `& ~63`: 32-bit arithmetic would wrap a region of 2 GiB or more (`fitsArena` then refuses it).
      size = Math.ceil((size + bytes) / 64) * 64;
      return at;
    },
    get size() {
      return size;
    },
  };
}

/** A kernel's module instantiated on its region's memory. */
export interface PlacedKernel<E, O extends Record<string, number>> {
  readonly memory: WebAssembly.Memory;
  readonly fns: E;
  readonly heap: Float32Array;
  readonly ints: Int32Array;
  /** The offsets given, each made an address in the memory (a negative one, for a region not taken, is 0). */
  readonly at: O;
}

/** Instantiates `module` on `region`'s memory and turns `offsets` (from the region's start) into addresses. */
export function placeKernel<E, O extends Record<string, number>>(module: WebAssembly.Module, region: ArenaRegion, offsets: O): PlacedKernel<E, O> {
  const { memory, base } = region;
  return {
    memory,
    fns: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as E,
    heap: new Float32Array(memory.buffer),
    ints: new Int32Array(memory.buffer),
    at: Object.fromEntries(Object.entries(offsets).map(([k, v]) => [k, v < 0 ? 0 : base + v])) as O,
  };
}

/**
 * The address of `count` samples (`size` floats each) of `x` from sample `from`: where they are
 * when `x` is a view of the kernel's memory (another kernel's output), else copied to `staging`.
 */
export function inputAddress(kernel: { readonly memory: WebAssembly.Memory; readonly heap: Float32Array }, x: Float32Array, from: number, count: number, size: number, staging: number): number {
  if (x.buffer === kernel.memory.buffer) return x.byteOffset + from * size * 4;
  kernel.heap.set(x.subarray(from * size, (from + count) * size), staging / 4);
  return staging;
}

/**
 * A kernel's `run(x, batch)`: `arena` finalized, then `runGroup(x, b0, n)` for each group of at
 * most `group` samples, each writing its outputs (`outSize` floats per sample) to the start of the
 * output region that `region(n)` views. A batch of one group (every chunk of the executor) comes
 * back as that view; a larger one is copied out group by group into an array kept between calls.
 */
export function groupedRun(arena: ConvArena, group: number, outSize: number, runGroup: (x: Float32Array, b0: number, n: number) => void, region: (n: number) => Float32Array): (x: Float32Array, batch: number) => Float32Array {
  const output = outputBuffer();
  return (x, batch) => {
    arena.finalize();
    if (batch <= group) {
      runGroup(x, 0, batch);
      return region(batch);
    }
    const out = output(batch * outSize);
    for (let b0 = 0; b0 < batch; b0 += group) {
      const n = Math.min(group, batch - b0);
      runGroup(x, b0, n);
      out.set(region(n), b0 * outSize);
    }
    return out;
  };
}
