/**
 * A depthwise convolution with channel multiplier 1 and a channel count divisible by 4 on
 * depthwise.wat: four channels in the SIMD lanes, straight on NHWC. The general direct sparse
 * convolution (wasm-conv.ts) puts samples or positions in the lanes instead, and its two layout
 * passes per layer cost as much as the at most 9 products per output a depthwise layer does. The
 * kernel is laid out dense (a pruned tap is a zero weight: depthwise kernels are small and rarely
 * pruned hard) once at prepare, in the instance's own WASM memory with the bias, the tap offsets,
 * one zero-padded sample and a group of 16 samples in and out.
 */
import type { ConvSpec } from '../conv-spec.js';
import { paddedInput } from '../conv-spec.js';
import { outputBuffer } from '../output-buffer.js';
import type { ConvKernel } from './wasm-conv.js';
import { depthwiseModule } from './wasm-modules.js';

/** Samples copied into the instance's memory at a time. */
const GROUP = 16;

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
 */
export function createWasmDepthwise(spec: ConvSpec): ConvKernel | null {
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

  let size = 0;
  const take = (bytes: number) => {
    const at = size;
    size += (bytes + 63) & ~63;
    return at;
  };
  const weights = take(T * C * 4);
  const bias = take(C * 4);
  const offs = take(T * 4);
  const xp = take(Hp * Wp * C * 4);
  const xIn = take(GROUP * inSize * 4);
  const yOut = take(GROUP * outSize * 4);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(size / 65536) + 1 });
  const fns = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
  const heap = new Float32Array(memory.buffer);
  const ints = new Int32Array(memory.buffer);

  // Tap row (ky · KW + kx) · C + c holds channel c's weight of that tap: to [C / 4][T][4].
  const m = spec.kernel;
  for (let r = 0; r < m.rows; r++) {
    const c = r % C;
    const t = (r - c) / C;
    for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) heap[weights / 4 + ((c >> 2) * T + t) * 4 + (c & 3)] = m.codebook[m.codes[k]];
  }
  if (spec.bias) heap.set(spec.bias, bias / 4);
  for (let t = 0; t < T; t++) ints[offs / 4 + t] = ((Math.floor(t / KW) * DY * Wp + (t % KW) * DX) * C) * 4;

  const relu = spec.clamp === null ? 0 : 1;
  const hi = spec.clamp ?? Infinity;
  const { top: pt, left: pl } = spec.pads;
  const output = outputBuffer();
  return {
    run(x, batch) {
      // Every sample's outputs are written below.
      const out = output(batch * outSize);
      for (let b0 = 0; b0 < batch; b0 += GROUP) {
        const n = Math.min(GROUP, batch - b0);
        heap.set(x.subarray(b0 * inSize, (b0 + n) * inSize), xIn / 4);
        for (let s = 0; s < n; s++) {
          fns.pad(xIn + s * inSize * 4, xp, H, W, C, Wp, pt, pl);
          const y = yOut + s * outSize * 4;
          if (T === 9) fns.conv3x3(xp, weights, bias, offs, y, C, Wp, OH, OW, SY, SX, relu, hi);
          else fns.conv(xp, weights, bias, offs, T, y, C, Wp, OH, OW, SY, SX, relu, hi);
        }
        out.set(heap.subarray(yOut / 4, yOut / 4 + n * outSize), b0 * outSize);
      }
      return out;
    },
  };
}
