/**
 * One WebAssembly memory shared by the convolution kernels of a prepared model, so that a layer's
 * output stays where the WASM kernel wrote it and the next layer reads it there: each kernel
 * returns a view of its output region (valid until its next call, as `output-buffer.ts` arrays
 * are), and a kernel given a view of its own memory reads it in place instead of copying it in.
 * Kernels reserve their regions while the model is prepared; the memory is made, once and at its
 * final size (it never grows, so views stay valid), when the first kernel runs or `finalize` is
 * called, and each kernel then lays out its tables in its region. Past {@link MAX_ARENA_BYTES} a
 * new memory starts (a WASM memory holds at most 4 GiB; kernels in different memories copy).
 */

/** Bytes of one memory before the next starts. */
export const MAX_ARENA_BYTES = 1 << 30;

/**
 * Whether one kernel's region of `bytes` fits a memory: the WASM kernels address their regions
 * with 32-bit offsets, so a larger one (a convolution over an image of millions of pixels, say)
 * runs in its TypeScript kernel instead.
 */
export function fitsArena(bytes: number): boolean {
  return bytes <= MAX_ARENA_BYTES;
}

/** A region's memory and where the region starts in it, handed to its initialiser. */
export interface ArenaRegion {
  readonly memory: WebAssembly.Memory;
  readonly base: number;
}

interface Block {
  size: number;
  readonly inits: ((region: ArenaRegion) => void)[];
  readonly bases: number[];
}

/** See the module comment. */
export class ConvArena {
  private readonly blocks: Block[] = [];
  private finalized = false;

  /** @param maxBytes Bytes of one memory before the next starts. */
  constructor(private readonly maxBytes = MAX_ARENA_BYTES) {}

  /**
   * Reserves `bytes` (64-byte aligned); `init` runs with the region once the memory exists.
   * Reserving after {@link finalize} is a programming error.
   */
  reserve(bytes: number, init: (region: ArenaRegion) => void): void {
    if (this.finalized) throw new Error('unreachable: a convolution region reserved after its arena was finalized');
    let block = this.blocks.at(-1);
    if (!block || (block.size > 0 && block.size + bytes > this.maxBytes)) this.blocks.push((block = { size: 0, inits: [], bases: [] }));
    block.bases.push(block.size);
    block.inits.push(init);
    // Not `& ~63`: 32-bit arithmetic would wrap a size of 2 GiB or more.
    block.size += Math.ceil(bytes / 64) * 64;
  }

  /** Makes the memories and initialises every region (once; later calls do nothing). */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    for (const block of this.blocks) {
      const memory = new WebAssembly.Memory({ initial: Math.ceil(block.size / 65536) + 1 });
      block.inits.forEach((init, i) => init({ memory, base: block.bases[i] }));
    }
  }

  /** Lets go of the memories (the kernels placed in them must not run again). */
  release(): void {
    this.blocks.length = 0;
  }
}
