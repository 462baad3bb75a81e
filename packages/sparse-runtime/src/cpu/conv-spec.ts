/**
 * What a convolution kernel of the cpu backend is prepared from: the geometry of one conv2d,
 * depthwise or pointwise layer and its kernel as sparse rows, plus the per-output-channel view of
 * the kept weights (their taps and codes) that the direct sparse convolution is built on.
 */
import type { Hwc, Pads, PlanStep } from '../model/plan.js';
import { toSparseRows, type SparseRows } from '../sparse/sparse-rows.js';
import { reluBound } from './activation.js';

/** One convolution layer, NHWC. */
export interface ConvSpec {
  readonly input: Hwc;
  readonly output: Hwc;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  /** Dilation rate (default 1 × 1). */
  readonly dilation?: readonly [number, number];
  readonly pads: Pads;
  /**
   * The kernel as sparse rows: rows are the taps `(ky · kw + kx) · inC + ci`, columns the output
   * channels. For a depthwise kernel `[kh, kw, C, multiplier]` the columns are the multiplier
   * `m`, and tap row `(ky · kw + kx) · C + c` feeds output channel `c · multiplier + m`.
   */
  readonly kernel: SparseRows;
  readonly depthwise?: boolean;
  readonly bias: Float32Array | null;
  /**
   * Fused in the WASM kernel: relu clamped at this bound (Infinity: plain relu; 6: relu6), see
   * `reluBound`; null: nothing fused, the caller applies the step's activation.
   */
  readonly clamp: number | null;
}

/**
 * The spec of a conv2d or depthwiseConv2d plan step. A relu-family activation (relu, relu6, relu
 * with a maxValue) is fused; the caller applies any other to the result.
 */
export function convSpecOf(step: PlanStep, kernel: SparseRows = toSparseRows(step.params.kernel!)): ConvSpec {
  const w = step.window!;
  return {
    input: w.input,
    output: w.output,
    kernelSize: w.kernelSize,
    strides: w.strides,
    dilation: w.dilation,
    pads: w.pads,
    kernel,
    depthwise: step.kind === 'depthwiseConv2d',
    bias: step.params.bias ?? null,
    clamp: reluBound(step.activation),
  };
}

/** The kept weights of one output channel: tap positions and codes into the codebook. */
export interface ChannelTaps {
  readonly ky: Int32Array;
  readonly kx: Int32Array;
  readonly ci: Int32Array;
  readonly codes: Int32Array;
}

/** Groups the kept weights by output channel (ascending tap order within a channel). */
export function tapsByChannel(spec: ConvSpec): ChannelTaps[] {
  const m = spec.kernel;
  const [, KW] = spec.kernelSize;
  // Tap rows are (ky · kw + kx) · C + ci for both kinds: C is the input's channel count.
  const rowChannels = spec.input[2];
  const F = spec.output[2];
  const count = new Int32Array(F);
  const channelOf = (r: number, col: number) => (spec.depthwise ? (r % rowChannels) * m.cols + col : col);
  for (let r = 0; r < m.rows; r++) for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) count[channelOf(r, m.colIdx[k])]++;
  const taps = Array.from(count, (n) => ({ ky: new Int32Array(n), kx: new Int32Array(n), ci: new Int32Array(n), codes: new Int32Array(n) }));
  const fill = new Int32Array(F);
  for (let r = 0; r < m.rows; r++) {
    const ci = r % rowChannels;
    const tap = (r - ci) / rowChannels;
    for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
      const f = channelOf(r, m.colIdx[k]);
      const t = taps[f];
      const i = fill[f]++;
      t.ky[i] = Math.floor(tap / KW);
      t.kx[i] = tap % KW;
      t.ci[i] = ci;
      t.codes[i] = m.codes[k];
    }
  }
  return taps;
}

/** Padded input extent that every tap of every output position reads inside. */
export function paddedInput(spec: ConvSpec): { Hp: number; Wp: number } {
  const [H, W] = spec.input;
  const [OH, OW] = spec.output;
  const [KH, KW] = spec.kernelSize;
  const [SY, SX] = spec.strides;
  const [DY, DX] = spec.dilation ?? [1, 1];
  const { top, left, bottom, right } = spec.pads;
  return {
    Hp: Math.max(top + H + bottom, (OH - 1) * SY + (KH - 1) * DY + 1),
    Wp: Math.max(left + W + right, (OW - 1) * SX + (KW - 1) * DX + 1),
  };
}
