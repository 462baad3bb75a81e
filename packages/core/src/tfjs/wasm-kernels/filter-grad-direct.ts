import { copyPadded, paddedImage, pixelStrides } from './padded-image.js';
import type { ConvGeometry } from './patches.js';
import type { TrainKernels } from './train-kernels.js';
import { f32, type TensorInfo, type WasmBackend } from './wasm-backend.js';

/** Bytes of input and dy swept together (a group of images); well inside a 512 KB-1 MB L2. */
const GROUP_BYTES = 256 * 1024;

/**
 * The filter gradient `dW[KH, KW, C, CO]` of a NHWC convolution (no dilation) by the WASM SIMD
 * `filter_grad8`/`filter_grad4` blocks: 4 filter taps × 8 (or 4) output channels at a time are
 * summed over every output pixel straight from a zero-padded copy of `x`, so no patch matrix is
 * written and no operand is packed. Measured against the XNNPACK convolution it replaced
 * (README): 2-7x faster where C is small (a first layer: the patch matrix is K × M with K tiny
 * and M = N·OH·OW huge), as fast or faster elsewhere. Returns undefined for an empty output.
 */
export function filterGradDirect(k: TrainKernels, backend: WasmBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo | undefined {
  const { batch: N, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  const KH = g.filterHeight;
  const KW = g.filterWidth;
  if (N * OH * OW === 0) return undefined;
  // Output channels padded to a multiple of 4 (the blocks are 8 or 4 wide): dy is copied when not.
  const CO4 = Math.ceil(CO / 4) * 4;
  const p = paddedImage(g);
  const rowFloats = p.rowFloats;
  const taps = KH * KW * C;
  const tapBlocks = Math.ceil(taps / 4);
  // Byte offset of tap t = (kh, kw, c) from a patch origin; the last block's spare lanes repeat tap 0.
  const offsetOf = (t: number) => (t < taps ? (Math.floor(t / (KW * C)) * rowFloats + (t % (KW * C))) * 4 : 0);
  const padded = backend.makeOutput([p.size], 'float32');
  const dyPadded = CO4 === CO ? null : backend.makeOutput([N * OH * OW * CO4], 'float32');
  const sums = backend.makeOutput([tapBlocks * 4 * CO4], 'float32');
  const dw = backend.makeOutput([KH, KW, C, CO], 'float32');
  try {
    const xp = f32(backend, padded);
    xp.fill(0);
    copyPadded(f32(backend, x), xp, g, p);
    const out = f32(backend, sums);
    out.fill(0);
    if (dyPadded) {
      const from = f32(backend, dy);
      const to = f32(backend, dyPadded);
      for (let m = 0; m < N * OH * OW; m++) to.set(from.subarray(m * CO, (m + 1) * CO), m * CO4);
    }
    const dyAddress = f32(backend, dyPadded ?? dy).byteOffset;
    const strides = [...pixelStrides(g, p), CO4 * 4] as const;
    const offsets = Array.from({ length: tapBlocks }, (_, tb) => [0, 1, 2, 3].map((i) => offsetOf(tb * 4 + i)) as [number, number, number, number]);
    // Images in groups whose padded input and dy stay in L2 cache while every block sweeps them
    // (one sweep of the whole batch per block reads it from L3 or memory: 2x slower on LeNet-5's conv2).
    const imageBytes = strides[0] + OH * OW * CO4 * 4;
    const group = Math.max(1, Math.floor(GROUP_BYTES / imageBytes));
    for (let n0 = 0; n0 < N; n0 += group) {
      const images = Math.min(group, N - n0);
      const xAt = xp.byteOffset + n0 * strides[0];
      const dyAt = dyAddress + n0 * OH * OW * CO4 * 4;
      // sums is [tapBlocks][channel blocks][4 taps][8 or 4 channels].
      for (let tb = 0; tb < tapBlocks; tb++) {
        for (let j = 0; j < CO4; j += 8) {
          const block = (tb * 4 * CO4 + 4 * j) * 4;
          const grad = CO4 - j >= 8 ? k.filter_grad8 : k.filter_grad4;
          grad(xAt, ...offsets[tb], dyAt + j * 4, out.byteOffset + block, images, OH, OW, ...strides);
        }
      }
    }
    const dws = f32(backend, dw);
    for (let t = 0; t < taps; t++) {
      for (let j = 0; j < CO; j += 8) {
        const width = Math.min(8, CO4 - j);
        const from = Math.floor(t / 4) * 4 * CO4 + 4 * j + (t % 4) * width;
        dws.set(out.subarray(from, from + Math.min(width, CO - j)), t * CO + j);
      }
    }
    return dw;
  } catch (e) {
    backend.disposeData(dw.dataId);
    throw e;
  } finally {
    backend.disposeData(padded.dataId);
    backend.disposeData(sums.dataId);
    if (dyPadded) backend.disposeData(dyPadded.dataId);
  }
}
