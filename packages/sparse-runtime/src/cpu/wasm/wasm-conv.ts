/**
 * One convolution layer (conv2d, depthwise, pointwise) on the direct sparse convolution of
 * sparse-conv.wat. Each kernel has a region of WASM memory (the model's shared one, see
 * `conv-arena.ts`, or its own) laid out once at prepare: per output channel the kept weights as
 * entries [input offset, weight] (its codebook value) for each input layout, the bias, and
 * scratch for one group of 16 samples. Batches run in
 * groups of 16 samples side by side in the SIMD lanes; a group of few samples (batch 1) runs one
 * sample at a time with output positions in the lanes instead (two runs of 8 positions of an
 * output row per tile; the input's columns split into stride phases), whichever does fewer tiles.
 */
import { paddedInput, tapsByChannel, type ChannelTaps, type ConvSpec } from '../conv-spec.js';
import { ConvArena, fitsArena, type ArenaRegion } from './conv-arena.js';
import { groupedRun, inputAddress, placeKernel, regionLayout, type PlacedKernel } from './placed-kernel.js';
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

/**
 * Prepares `spec` on the WASM kernel, or returns null where WebAssembly SIMD is missing (the
 * caller then runs the TypeScript convolution). With `arena`, the kernel's memory is the model's
 * shared one (`conv-arena.ts`): a batch of up to 16 samples comes back as a view of the kernel's
 * output region, and an input that is a view of that memory is read where it is. Without, the
 * kernel has a memory of its own.
 */
export function createWasmConv(spec: ConvSpec, arena?: ConvArena): ConvKernel | null {
  const module = sparseConvModule();
  if (!module) return null;
  const [H, W, C] = spec.input;
  const [OH, OW, F] = spec.output;
  const [SY, SX] = spec.strides;
  const [DY, DX] = spec.dilation ?? [1, 1];
  const { top: pt, left: pl } = spec.pads;
  const { Hp, Wp } = paddedInput(spec);
  let taps: ChannelTaps[] | null = tapsByChannel(spec);
  const nnz = taps.reduce((n, t) => n + t.codes.length, 0);
  const inSize = H * W * C;
  const outSize = OH * OW * F;
  // Position lanes: input columns in SX phases of Wq columns each.
  const Wq = Math.ceil(Wp / SX) + 8;
  const runsPerRow = Math.ceil(OW / 8);
  const tilesP = Math.ceil((OH * runsPerRow) / 2);

  // Offsets in the kernel's region; absolute addresses once the region is placed.
  const plan = regionLayout();
  const at = {
    lanesColPtr: plan.take((F + 1) * 4),
    lanesEntries: plan.take(nnz * 8),
    lanesBases: plan.take(OH * OW * 8),
    posColPtr: plan.take((F + 1) * 4),
    posEntries: plan.take(nnz * 8),
    posBases: plan.take(tilesP * 8),
    bias: spec.bias ? plan.take(F * 4) : -1,
    xI: plan.take(Hp * Wp * C * LANES * 4),
    xP: plan.take(C * SX * Hp * Wq * 4),
    outP: plan.take(tilesP * F * LANES * 4),
    inBuf: plan.take(LANES * inSize * 4),
    yBuf: plan.take(LANES * outSize * 4),
    scratch: plan.take(F * LANES * 4),
  };
  if (!fitsArena(plan.size)) return null;
  let placed!: PlacedKernel<Exports, typeof at>;
  const place = (region: ArenaRegion) => {
    placed = placeKernel(module, region, at);
    const { heap, ints, at: a } = placed;
    if (spec.bias) heap.set(spec.bias, a.bias / 4);
    const fillEntries = (colPtr: number, entries: number, offset: (ky: number, kx: number, ci: number) => number) => {
      let e = entries;
      for (let f = 0; f < F; f++) {
        ints[colPtr / 4 + f] = e;
        const t = taps![f];
        for (let i = 0; i < t.codes.length; i++, e += 8) {
          ints[e / 4] = offset(t.ky[i] * DY, t.kx[i] * DX, t.ci[i]);
          heap[e / 4 + 1] = spec.kernel.codebook[t.codes[i]];
        }
      }
      ints[colPtr / 4 + F] = e;
    };
    // Sample lanes: input [Hp][Wp][C][16]; a tile is an output position.
    fillEntries(a.lanesColPtr, a.lanesEntries, (y, x, ci) => ((y * Wp + x) * C + ci) * LANES * 4);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const i = a.lanesBases / 4 + 2 * (oy * OW + ox);
        ints[i] = (oy * SY * Wp + ox * SX) * C * LANES * 4;
        ints[i + 1] = ints[i] + 8 * 4;
      }
    }
    // Position lanes: input [C][SX][Hp][Wq]; a tile is two runs of 8 positions (an odd last run is
    // doubled). Tap column x is column x / SX of phase x mod SX, so a run reads consecutive columns.
    fillEntries(a.posColPtr, a.posEntries, (y, x, ci) => (((ci * SX + (x % SX)) * Hp + y) * Wq + Math.floor(x / SX)) * 4);
    const runs = OH * runsPerRow;
    for (let j = 0; j < 2 * tilesP; j++) {
      const run = Math.min(j, runs - 1);
      const oy = Math.floor(run / runsPerRow);
      ints[a.posBases / 4 + j] = (oy * SY * Wq + (run % runsPerRow) * 8) * 4;
    }
    taps = null;
  };
  const own = arena ?? new ConvArena();
  own.reserve(plan.size, place);
  if (!arena) own.finalize();

  const relu = spec.clamp === null ? 0 : 1;
  const hi = spec.clamp ?? Infinity;
  // One group of t ≤ 16 samples from sample b0 into the output region (sample s of the group at yBuf + s · outSize).
  const runGroup = (x: Float32Array, b0: number, t: number) => {
    const { fns, at: a } = placed;
    const biasAt = spec.bias ? a.bias : 0;
    if (t * tilesP * POSITION_TILE_COST < OH * OW) {
      for (let s = 0; s < t; s++) {
        fns.toPlanar(inputAddress(placed, x, b0 + s, 1, inSize, a.inBuf), a.xP, H, W, C, Hp, Wq, pt, pl, SX);
        fns.convTiles(a.xP, a.outP, a.posBases, tilesP, a.posColPtr, F, biasAt, relu, hi, 0, 0);
        fns.fromPositions(a.outP, a.yBuf + s * outSize * 4, F, OH, OW);
      }
      return;
    }
    // Lanes t .. 15 keep an earlier group's values: lanes never mix, and those outputs are not read.
    fns.toLanes(inputAddress(placed, x, b0, t, inSize, a.inBuf), a.xI, H, W, C, Wp, pt, pl, t);
    fns.convTiles(a.xI, a.yBuf, a.lanesBases, OH * OW, a.lanesColPtr, F, biasAt, relu, hi, outSize * 4, a.scratch);
  };
  return { run: groupedRun(own, LANES, outSize, runGroup, (n) => placed.heap.subarray(placed.at.yBuf / 4, placed.at.yBuf / 4 + n * outSize)) };
}
