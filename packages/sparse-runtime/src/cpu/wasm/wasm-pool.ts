/**
 * Windowed max and average pooling on spmm.wat's `pool` (four channels at a time), in a region of
 * the convolutions' shared memory (`conv-arena.ts`): a convolution's output is pooled where it
 * is, and the next convolution reads the pooled output where it is.
 */
import type { Window } from '../../model/plan.js';
import { CHUNK_SAMPLES } from '../batch-chunks.js';
import { ConvArena, fitsArena } from './conv-arena.js';
import { groupedRun, inputAddress, placeKernel, regionLayout, type PlacedKernel } from './placed-kernel.js';
import { spmmModule } from './wasm-modules.js';

interface Exports {
  pool(x: number, out: number, geo: number, batch: number): void;
}

/**
 * Prepares pooling over `w` (`isMax`: max, else average over the in-bounds elements), or returns
 * null where WebAssembly SIMD is missing. With `arena`, in the model's shared memory; else in a
 * memory of its own.
 */
export function createWasmPool(w: Window, isMax: boolean, arena?: ConvArena): ((x: Float32Array, batch: number) => Float32Array) | null {
  const module = spmmModule();
  if (!module) return null;
  const [H, W, C] = w.input;
  const [OH, OW] = w.output;
  const inSize = H * W * C;
  const outSize = OH * OW * C;
  const layout = regionLayout();
  const take = layout.take;
  const at = { geo: take(12 * 4), xIn: take(CHUNK_SAMPLES * inSize * 4), yOut: take(CHUNK_SAMPLES * outSize * 4) };
  if (!fitsArena(layout.size)) return null;
  let placed!: PlacedKernel<Exports, typeof at>;
  const own = arena ?? new ConvArena();
  own.reserve(layout.size, (region) => {
    placed = placeKernel(module, region, at);
    placed.ints.set([H, W, C, OH, OW, w.kernelSize[0], w.kernelSize[1], w.strides[0], w.strides[1], w.pads.top, w.pads.left, isMax ? 1 : 0], placed.at.geo / 4);
  });
  if (!arena) own.finalize();
  const runGroup = (x: Float32Array, b0: number, n: number) => {
    placed.fns.pool(inputAddress(placed, x, b0, n, inSize, placed.at.xIn), placed.at.yOut, placed.at.geo, n);
  };
  return groupedRun(own, CHUNK_SAMPLES, outSize, runGroup, (n) => placed.heap.subarray(placed.at.yOut / 4, placed.at.yOut / 4 + n * outSize));
}
