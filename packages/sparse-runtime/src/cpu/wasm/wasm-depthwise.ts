/**
 * A depthwise convolution with channel multiplier 1 and a channel count divisible by 4 on
 * depthwise.wat: four channels in the SIMD lanes, straight on NHWC. The general direct sparse
 * convolution (wasm-conv.ts) puts samples or positions in the lanes instead, and its two layout
 * passes per layer cost as much as the at most 9 products per output a depthwise layer does. The
 * kernel is laid out dense (a pruned tap is a zero weight: depthwise kernels are small and rarely
 * pruned hard) once at prepare, in the kernel's region of WASM memory (the model's shared one, see
 * `conv-arena.ts`, or its own) with the bias, the tap offsets, one zero-padded sample and a group
 * of 16 samples in and out.
 */
import { paddedInput, type ConvSpec } from '../conv-spec.js';
import type { ConvKernel } from './wasm-conv.js';
import { CHUNK_SAMPLES } from '../batch-chunks.js';
import { ConvArena, fitsArena, type ArenaRegion } from './conv-arena.js';
import { groupedRun, inputAddress, placeKernel, regionLayout, type PlacedKernel } from './placed-kernel.js';
import { depthwiseModule } from './wasm-modules.js';

interface Exports {
  pad(x: number, xp: number, H: number, W: number, C: number, Wp: number, pt: number, pl: number): void;
  conv(xp: number, w: number, bias: number, offs: number, T: number, out: number, C: number, Wp: number, OH: number, OW: number, SY: number, SX: number, relu: number, hi: number): void;
  conv3x3(xp: number, w: number, bias: number, offs: number, out: number, C: number, Wp: number, OH: number, OW: number, SY: number, SX: number, relu: number, hi: number): void;
}

/** Whether {@link createWasmDepthwise} takes `spec`: depthwise, multiplier 1, channels a multiple of 4. */
export function fitsWasmDepthwise(spec: ConvSpec): boolean {
  const C = spec.input[2];
  return spec.depthwise === true && spec.output[2] === C && C % 4 === 0 && C > 0;
}

/**
 * Prepares `spec` (see {@link fitsWasmDepthwise}) on depthwise.wat, or returns null where the
 * spec does not fit or WebAssembly SIMD is missing (the caller then runs the general kernels).
 * With `arena`, its memory is the model's shared one, as for `createWasmConv`.
 */
export function createWasmDepthwise(spec: ConvSpec, arena?: ConvArena): ConvKernel | null {
  const module = depthwiseModule();
  if (!module || !fitsWasmDepthwise(spec)) return null;
  const [H, W, C] = spec.input;
  const [OH, OW] = spec.output;
  const [KH, KW] = spec.kernelSize;
  const [SY, SX] = spec.strides;
  const [DY, DX] = spec.dilation ?? [1, 1];
  const { Hp, Wp } = paddedInput(spec);
  const T = KH * KW;
  const inSize = H * W * C;
  const outSize = OH * OW * C;

  const layout = regionLayout();
  const take = layout.take;
  const at = { weights: take(T * C * 4), bias: take(C * 4), offs: take(T * 4), xp: take(Hp * Wp * C * 4), xIn: take(CHUNK_SAMPLES * inSize * 4), yOut: take(CHUNK_SAMPLES * outSize * 4) };
  if (!fitsArena(layout.size)) return null;
  let placed!: PlacedKernel<Exports, typeof at>;
  const place = (region: ArenaRegion) => {
    placed = placeKernel(module, region, at);
    const { heap, ints, at: a } = placed;
    // Tap row (ky · KW + kx) · C + c holds channel c's weight of that tap: to [C / 4][T][4].
    const k = spec.kernel;
    for (let r = 0; r < k.rows; r++) {
      const c = r % C;
      const t = (r - c) / C;
      for (let e = k.rowPtr[r]; e < k.rowPtr[r + 1]; e++) heap[a.weights / 4 + ((c >> 2) * T + t) * 4 + (c & 3)] = k.codebook[k.codes[e]];
    }
    if (spec.bias) heap.set(spec.bias, a.bias / 4);
    for (let t = 0; t < T; t++) ints[a.offs / 4 + t] = (Math.floor(t / KW) * DY * Wp + (t % KW) * DX) * C * 4;
  };
  const own = arena ?? new ConvArena();
  own.reserve(layout.size, place);
  if (!arena) own.finalize();

  const relu = spec.clamp === null ? 0 : 1;
  const hi = spec.clamp ?? Infinity;
  const { top: pt, left: pl } = spec.pads;
  // One group of n ≤ 16 samples from sample b0 into the output region, read in place when in this memory.
  const runGroup = (x: Float32Array, b0: number, n: number) => {
    const { fns, at: a } = placed;
    const src = inputAddress(placed, x, b0, n, inSize, a.xIn);
    for (let s = 0; s < n; s++) {
      fns.pad(src + s * inSize * 4, a.xp, H, W, C, Wp, pt, pl);
      const y = a.yOut + s * outSize * 4;
      if (T === 9) fns.conv3x3(a.xp, a.weights, a.bias, a.offs, y, C, Wp, OH, OW, SY, SX, relu, hi);
      else fns.conv(a.xp, a.weights, a.bias, a.offs, T, y, C, Wp, OH, OW, SY, SX, relu, hi);
    }
  };
  return { run: groupedRun(own, CHUNK_SAMPLES, outSize, runGroup, (n) => placed.heap.subarray(placed.at.yOut / 4, placed.at.yOut / 4 + n * outSize)) };
}
