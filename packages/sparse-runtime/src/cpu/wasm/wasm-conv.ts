/**
 * One convolution layer (conv2d, depthwise, pointwise) on the direct sparse convolution of
 * sparse-conv.wat. Each instance owns a small WASM memory laid out once at prepare: the codebook
 * at address 0, per output channel the kept weights as entries [input offset, codebook address]
 * for each input layout, the bias, and scratch for one group of 16 samples. Batches run in
 * groups of 16 samples side by side in the SIMD lanes; a group of few samples (batch 1) runs one
 * sample at a time with output positions in the lanes instead (two runs of 8 positions of an
 * output row per tile; the input's columns split into stride phases), whichever does fewer tiles.
 */
import { paddedInput, tapsByChannel, type ConvSpec } from '../conv-spec.js';
import { outputBuffer } from '../output-buffer.js';
import { sparseConvModule } from './wasm-modules.js';

const LANES = 16;

/**
 * A position-lane tile costs about 15 % more than a sample-lane tile (the per-sample layout
 * passes): measured on LeNet-5's conv1 and conv2 at groups of 4 to 15 samples.
 */
const POSITION_TILE_COST = 1.15;

/** A prepared convolution: NHWC in, NHWC out (activation applied). */
export interface ConvKernel {
  run(x: Float32Array, batch: number): Float32Array;
}

interface Exports {
  convTiles(x: number, out: number, bases: number, tiles: number, colPtr: number, F: number, bias: number, relu: number, hi: number, laneStride: number, scratch: number): void;
  toLanes(x: number, xI: number, H: number, W: number, C: number, Wp: number, pt: number, pl: number, t: number): void;
  toPlanar(x: number, xP: number, H: number, W: number, C: number, Hp: number, Wq: number, pt: number, pl: number, S: number): void;
  fromPositions(out: number, y: number, F: number, OH: number, OW: number): void;
}

/** Entries of one input layout: column pointers (absolute addresses) and tile bases. */
interface Layout {
  readonly colPtr: number;
  readonly bases: number;
  readonly tiles: number;
}

/** Bump allocation of 64-byte aligned regions; `size` is the total so far. */
function planner() {
  let size = 0;
  return {
    take(bytes: number): number {
      const at = size;
      size = (size + bytes + 63) & ~63;
      return at;
    },
    get size() {
      return size;
    },
  };
}

/**
 * Prepares `spec` on the WASM kernel, or returns null where WebAssembly SIMD is missing
 * (the caller then runs the TypeScript convolution).
 */
export function createWasmConv(spec: ConvSpec): ConvKernel | null {
  const module = sparseConvModule();
  if (!module) return null;
  const [H, W, C] = spec.input;
  const [OH, OW, F] = spec.output;
  const [SY, SX] = spec.strides;
  const [DY, DX] = spec.dilation ?? [1, 1];
  const { top: pt, left: pl } = spec.pads;
  const { Hp, Wp } = paddedInput(spec);
  const taps = tapsByChannel(spec);
  const nnz = taps.reduce((n, t) => n + t.codes.length, 0);
  const inSize = H * W * C;
  const outSize = OH * OW * F;
  // Position lanes: input columns in SX phases of Wq columns each.
  const Wq = Math.ceil(Wp / SX) + 8;
  const runsPerRow = Math.ceil(OW / 8);
  const tilesP = Math.ceil((OH * runsPerRow) / 2);

  const plan = planner();
  const codebook = plan.take(spec.kernel.codebook.length * 4);
  const entryBlock = () => ({ colPtr: plan.take((F + 1) * 4), entries: plan.take(nnz * 8) });
  const lanesAt = { ...entryBlock(), bases: plan.take(OH * OW * 8) };
  const posAt = { ...entryBlock(), bases: plan.take(tilesP * 8) };
  const bias = spec.bias ? plan.take(F * 4) : 0;
  const xI = plan.take(Hp * Wp * C * LANES * 4);
  const xP = plan.take(C * SX * Hp * Wq * 4);
  const outP = plan.take(tilesP * F * LANES * 4);
  const inBuf = plan.take(LANES * inSize * 4);
  const yBuf = plan.take(LANES * outSize * 4);
  const scratch = plan.take(F * LANES * 4);

  const memory = new WebAssembly.Memory({ initial: Math.ceil(plan.size / 65536) + 1 });
  const fns = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
  const heap = new Float32Array(memory.buffer);
  const ints = new Int32Array(memory.buffer);
  heap.set(spec.kernel.codebook, codebook / 4);
  if (spec.bias) heap.set(spec.bias, bias / 4);

  const fillEntries = (at: { colPtr: number; entries: number }, offset: (ky: number, kx: number, ci: number) => number) => {
    let e = at.entries;
    for (let f = 0; f < F; f++) {
      ints[at.colPtr / 4 + f] = e;
      const t = taps[f];
      for (let i = 0; i < t.codes.length; i++, e += 8) {
        ints[e / 4] = offset(t.ky[i] * DY, t.kx[i] * DX, t.ci[i]);
        ints[e / 4 + 1] = codebook + t.codes[i] * 4;
      }
    }
    ints[at.colPtr / 4 + F] = e;
  };
  // Sample lanes: input [Hp][Wp][C][16]; a tile is an output position.
  fillEntries(lanesAt, (y, x, ci) => ((y * Wp + x) * C + ci) * LANES * 4);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const at = lanesAt.bases / 4 + 2 * (oy * OW + ox);
      ints[at] = (oy * SY * Wp + ox * SX) * C * LANES * 4;
      ints[at + 1] = ints[at] + 8 * 4;
    }
  }
  const lanes: Layout = { colPtr: lanesAt.colPtr, bases: lanesAt.bases, tiles: OH * OW };
  // Position lanes: input [C][SX][Hp][Wq]; a tile is two runs of 8 positions (an odd last run is
  // doubled). Tap column x is column x / SX of phase x mod SX, so a run reads consecutive columns.
  fillEntries(posAt, (y, x, ci) => (((ci * SX + (x % SX)) * Hp + y) * Wq + Math.floor(x / SX)) * 4);
  const runs = OH * runsPerRow;
  for (let j = 0; j < 2 * tilesP; j++) {
    const run = Math.min(j, runs - 1);
    const oy = Math.floor(run / runsPerRow);
    ints[posAt.bases / 4 + j] = (oy * SY * Wq + (run % runsPerRow) * 8) * 4;
  }
  const positions: Layout = { colPtr: posAt.colPtr, bases: posAt.bases, tiles: tilesP };

  const relu = spec.clamp === null ? 0 : 1;
  const hi = spec.clamp ?? Infinity;
  const runPositions = (x: Float32Array, sample: number, out: Float32Array, p: Layout) => {
    heap.set(x.subarray(sample * inSize, (sample + 1) * inSize), inBuf / 4);
    fns.toPlanar(inBuf, xP, H, W, C, Hp, Wq, pt, pl, SX);
    fns.convTiles(xP, outP, p.bases, p.tiles, p.colPtr, F, bias, relu, hi, 0, 0);
    fns.fromPositions(outP, yBuf, F, OH, OW);
    out.set(heap.subarray(yBuf / 4, yBuf / 4 + outSize), sample * outSize);
  };
  const runLanes = (x: Float32Array, b0: number, t: number, out: Float32Array) => {
    // Lanes t .. 15 keep an earlier group's values: lanes never mix, and those outputs are not read.
    heap.set(x.subarray(b0 * inSize, (b0 + t) * inSize), inBuf / 4);
    fns.toLanes(inBuf, xI, H, W, C, Wp, pt, pl, t);
    fns.convTiles(xI, yBuf, lanes.bases, lanes.tiles, lanes.colPtr, F, bias, relu, hi, outSize * 4, scratch);
    out.set(heap.subarray(yBuf / 4, yBuf / 4 + t * outSize), b0 * outSize);
  };
  const output = outputBuffer();
  return {
    run(x, batch) {
      // Every sample's outputs are written below.
      const out = output(batch * outSize);
      for (let b0 = 0; b0 < batch; b0 += LANES) {
        const t = Math.min(LANES, batch - b0);
        if (t * positions.tiles * POSITION_TILE_COST < lanes.tiles) for (let s = 0; s < t; s++) runPositions(x, b0 + s, out, positions);
        else runLanes(x, b0, t, out);
      }
      return out;
    },
  };
}
