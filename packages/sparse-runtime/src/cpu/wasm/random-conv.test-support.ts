/**
 * Random convolution layers (geometry, sparse coded kernel, bias, fused clamp) and the dense
 * reference convolution they are checked against, for the WASM convolution kernels' tests.
 */
import { densify, type RandomSource } from '@dc/core';
import { windowAxis } from '../../model/plan.js';
import { toSparseRows } from '../../sparse/sparse-rows.js';
import { randomKernel } from '../../testing/random-model.js';
import type { ConvSpec } from '../conv-spec.js';

/** Dense direct convolution from the densified kernel: the reference (dilation and depthwise too). */
export function referenceConv(spec: ConvSpec, kernel: Float32Array, x: Float32Array, batch: number): Float32Array {
  const [H, W, C] = spec.input;
  const [OH, OW, F] = spec.output;
  const [KH, KW] = spec.kernelSize;
  const [SY, SX] = spec.strides;
  const [DY, DX] = spec.dilation ?? [1, 1];
  const M = F / C;
  const y = new Float32Array(batch * OH * OW * F);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let f = 0; f < F; f++) {
          let acc = spec.bias ? spec.bias[f] : 0;
          for (let ky = 0; ky < KH; ky++) {
            for (let kx = 0; kx < KW; kx++) {
              const iy = oy * SY + ky * DY - spec.pads.top;
              const ix = ox * SX + kx * DX - spec.pads.left;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              const xo = ((b * H + iy) * W + ix) * C;
              if (spec.depthwise) {
                const c = Math.floor(f / M);
                acc += x[xo + c] * kernel[((ky * KW + kx) * C + c) * M + (f % M)];
              } else {
                for (let c = 0; c < C; c++) acc += x[xo + c] * kernel[((ky * KW + kx) * C + c) * F + f];
              }
            }
          }
          y[((b * OH + oy) * OW + ox) * F + f] = spec.clamp === null ? acc : Math.min(Math.max(acc, 0), spec.clamp);
        }
      }
    }
  }
  return y;
}

/** What {@link randomSpec} may fix. */
export interface RandomSpecOptions {
  /** Depthwise with multiplier 1 and a multiple of 4 channels (what depthwise.wat takes). */
  readonly channelsInLanes?: boolean;
  /** This kernel size (the image at least 5 × 5), not a random one. */
  readonly kernel?: readonly [number, number];
  /** This input shape (another layer's output), not a random one. */
  readonly input?: readonly [number, number, number];
  /** This many output channels (conv2d). */
  readonly filters?: number;
}

/** A random layer: conv2d, or `depthwise` with a random multiplier unless `options` fix it. */
export function randomSpec(r: RandomSource, depthwise: boolean, options: RandomSpecOptions = {}): { spec: ConvSpec; kernel: Float32Array } {
  const { channelsInLanes = false } = options;
  const H = options.input?.[0] ?? (options.kernel ? 5 + r.int(12) : 3 + r.int(14));
  const W = options.input?.[1] ?? (options.kernel ? 5 + r.int(12) : 3 + r.int(14));
  const C = options.input?.[2] ?? (channelsInLanes ? 4 * (1 + r.int(6)) : 1 + r.int(5));
  const F = channelsInLanes ? C : depthwise ? C * (1 + r.int(3)) : (options.filters ?? 1 + r.int(20));
  const dilation: [number, number] = r.next() < 0.3 ? [1 + r.int(2), 1 + r.int(2)] : [1, 1];
  const KH = options.kernel?.[0] ?? 1 + r.int(Math.min(5, Math.floor((H - 1) / dilation[0]) + 1));
  const KW = options.kernel?.[1] ?? 1 + r.int(Math.min(5, Math.floor((W - 1) / dilation[1]) + 1));
  const strides: [number, number] = [1 + r.int(2), 1 + r.int(2)];
  const padding = r.next() < 0.5 ? 'same' : 'valid';
  const ay = windowAxis(H, (KH - 1) * dilation[0] + 1, strides[0], padding);
  const ax = windowAxis(W, (KW - 1) * dilation[1] + 1, strides[1], padding);
  const shape = depthwise ? [KH, KW, C, F / C] : [KH, KW, C, F];
  const t = randomKernel(r, { shape, density: 0.05 + 0.95 * r.next(), bits: 1 + r.int(8), layout: r.next() < 0.8 ? 'sparse-coded' : 'sparse' });
  const spec: ConvSpec = {
    input: [H, W, C],
    output: [ay.out, ax.out, F],
    kernelSize: [KH, KW],
    strides,
    dilation,
    pads: { top: ay.before, bottom: ay.after, left: ax.before, right: ax.after },
    kernel: toSparseRows(t),
    depthwise,
    bias: r.next() < 0.8 ? Float32Array.from({ length: F }, () => r.next() - 0.5) : null,
    // relu, relu6 or relu with a maxValue fused (half the specs), else nothing.
    clamp: r.next() < 0.5 ? [Infinity, 6, 0.05][r.int(3)] : null,
  };
  return { spec, kernel: densify(t) };
}

