/**
 * Steps of the ops the packed sparse programs (kernel-steps.ts) do not run: pooling, batch and
 * layer normalisation, activations, padding and cropping, permute, upsampling and resizing,
 * element-wise merges and concatenation, and those with weights read as float32: embedding
 * lookups, transposed convolutions and recurrent layers.
 */
import { activationParams, layerNormRowSize, RECURRENT_GATES, recurrentPasses, sampleAxis, transposeAxis, type ActivationParams, type Conv2dTransposeConfig, type LayerNormConfig, type MergeConfig, type RecurrentConfig, type UnitNormConfig, type GroupNormConfig } from '@dc/core';
import { batchNormShader, BATCH_NORM_PARAMS, elementwiseShader, ELEMENTWISE_PARAMS, layerNormShader, LAYER_NORM_PARAMS, maskingShader, MASKING_PARAMS, preluShader, PRELU_PARAMS, softmaxShader, SOFTMAX_PARAMS, unitNormShader, UNIT_NORM_PARAMS, groupNormShader, GROUP_NORM_PARAMS } from '../shaders/elementwise.js';
import { convTransposeShader, CONV_TRANSPOSE_PARAMS } from '../shaders/conv-transpose.js';
import { recurrentShader, RECURRENT_PARAMS } from '../shaders/recurrent.js';
import { mergeShader, MERGE_INPUTS_PER_PASS, MERGE_PARAMS } from '../shaders/merge.js';
import { globalPoolShader, GLOBAL_POOL_PARAMS, poolShader, POOL_PARAMS } from '../shaders/pool.js';
import { bilinearShader, BILINEAR_PARAMS, embeddingShader, EMBEDDING_PARAMS, gatherShader, GATHER_PARAMS, placeShader, PLACE_PARAMS, shift2dShader, SHIFT2D_PARAMS } from '../shaders/rearrange.js';
import { simpleStep, type GpuStep } from './gpu-step.js';
import { f32Bits, WORKGROUP_SIZE } from '../shaders/common.js';
import type { Hwc, Window } from '../../model/plan.js';
import { nearestSources, type Resample } from '../../model/resample-tables.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Max or average pooling over a window (SAME padding: the average counts in-image elements only). */
export function poolStep(layer: string, kind: 'max' | 'avg', g: Window): GpuStep {
  const [inH, inW, channels] = g.input;
  const [outH, outW] = g.output;
  const fixed = { inH, inW, channels, outH, outW, poolH: g.kernelSize[0], poolW: g.kernelSize[1], strideY: g.strides[0], strideX: g.strides[1], padTop: g.pads.top, padLeft: g.pads.left };
  return simpleStep(layer, poolShader(kind), POOL_PARAMS, fixed, size(g.output));
}

/** Global max or average pooling, `[h, w, c]` → `[c]`. */
export function globalPoolStep(layer: string, kind: 'max' | 'avg', input: Hwc): GpuStep {
  return simpleStep(layer, globalPoolShader(kind), GLOBAL_POOL_PARAMS, { pixels: input[0] * input[1], channels: input[2] }, input[2]);
}

/** The batch-norm vectors (float32, one per channel). */
export interface BatchNormVectors {
  readonly movingMean: Float32Array;
  readonly movingVariance: Float32Array;
  readonly gamma?: Float32Array;
  readonly beta?: Float32Array;
}

/** Batch normalisation over the last axis of `elements` values per sample; `inPlace`: over its input's buffer. */
export function batchNormStep(layer: string, elements: number, p: BatchNormVectors, epsilon: number, inPlace: boolean): GpuStep {
  const channels = p.movingMean.length;
  const k = new Float32Array(channels);
  for (let c = 0; c < channels; c++) k[c] = (p.gamma?.[c] ?? 1) / Math.sqrt(p.movingVariance[c] + epsilon);
  const beta = p.beta ?? new Float32Array(channels);
  return simpleStep(layer, batchNormShader(inPlace), BATCH_NORM_PARAMS, { channels }, elements, inPlace ? [] : [0], [p.movingMean, k, beta]);
}

/** A `layerNorm` node over the last axis of `shape`, or its `trailingAxes` last axes as one row (missing `gamma` / `beta`: 1 / 0): one thread per row. */
export function layerNormStep(layer: string, shape: readonly number[], p: { readonly gamma?: Float32Array; readonly beta?: Float32Array }, config: LayerNormConfig): GpuStep {
  const channels = layerNormRowSize(shape, config);
  const [gamma, beta] = [p.gamma ?? new Float32Array(channels).fill(1), p.beta ?? new Float32Array(channels)];
  return simpleStep(layer, layerNormShader(), LAYER_NORM_PARAMS, { channels, epsilon: f32Bits(config.epsilon) }, size(shape) / channels, [0], [gamma, beta]);
}

/** A `groupNorm` node over a value of `shape` (its last axis the channels): one thread per group and vec4 of samples. */
export function groupNormStep(layer: string, shape: readonly number[], p: { readonly gamma?: Float32Array; readonly beta?: Float32Array }, config: GroupNormConfig): GpuStep {
  const channels = shape[shape.length - 1];
  const [gamma, beta] = [p.gamma ?? new Float32Array(channels).fill(1), p.beta ?? new Float32Array(channels)];
  const params = { channels, width: channels / config.groups, positions: size(shape) / channels, epsilon: f32Bits(config.epsilon) };
  return simpleStep(layer, groupNormShader(), GROUP_NORM_PARAMS, params, config.groups, [0], [gamma, beta]);
}

/** A `unitNorm` node over a value of `shape`, rows of its `trailingAxes`. */
export function unitNormStep(layer: string, shape: readonly number[], config: UnitNormConfig): GpuStep {
  const channels = layerNormRowSize(shape, config);
  return simpleStep(layer, unitNormShader(), UNIT_NORM_PARAMS, { channels }, size(shape) / channels, [0]);
}

/** A `masking` node over a value of `shape` (rows of its last axis); `inPlace`: over its input's buffer. */
export function maskingStep(layer: string, shape: readonly number[], maskValue: number, inPlace: boolean): GpuStep {
  const channels = shape[shape.length - 1];
  return simpleStep(layer, maskingShader(inPlace), MASKING_PARAMS, { channels, maskValue: f32Bits(maskValue) }, size(shape) / channels, inPlace ? [] : [0]);
}

/** A `prelu` node with `slopes` one per element of a sample (`preluSlopes`); `inPlace`: over its input's buffer. */
export function preluStep(layer: string, slopes: Float32Array, inPlace: boolean): GpuStep {
  return simpleStep(layer, preluShader(inPlace), PRELU_PARAMS, {}, slopes.length, inPlace ? [] : [0], [slopes]);
}

/**
 * An `embedding` node: one thread per output element and vec4 of samples, reading the table as
 * float32 (`densify`d on the host: a gather wants random access to rows; the cpu backend reads
 * the compressed table directly).
 */
export function embeddingStep(layer: string, outputShape: readonly number[], table: Float32Array, rows: number): GpuStep {
  const width = outputShape[outputShape.length - 1];
  return simpleStep(layer, embeddingShader(), EMBEDDING_PARAMS, { width, rows }, size(outputShape), [0], [table]);
}

/**
 * A `conv2dTranspose` node, before its activation: one thread per output element gathering from
 * the input pixels that scatter into it, the kernel as float32 (`densify`d on the host).
 */
export function convTransposeStep(layer: string, input: Hwc, output: Hwc, config: Conv2dTransposeConfig, kernel: Float32Array, bias: Float32Array | undefined): GpuStep {
  const [kh, kw] = config.kernelSize;
  const [sy, sx] = config.strides;
  const fixed = {
    channels: output[2],
    outW: output[1],
    inH: input[0],
    inW: input[1],
    inC: input[2],
    kh,
    kw,
    sy,
    sx,
    top: transposeAxis(input[0], kh, sy, config.padding).before,
    left: transposeAxis(input[1], kw, sx, config.padding).before,
  };
  return simpleStep(layer, convTransposeShader(), CONV_TRANSPOSE_PARAMS, fixed, size(output), [0], [kernel, bias ?? new Float32Array(output[2])]);
}

/**
 * A `recurrent` node: one workgroup per vec4 of samples walks the `[steps, features]` input (see
 * the shader), its kernels as float32; every step's state or the last. A bidirectional node is two
 * dispatches, each with its pass's columns of the stacked parameters, the second merging into the
 * output the first wrote. A masked node (`maskValue`) binds its mask source (`maskSource`, its
 * shape) as a second input.
 */
export function recurrentSteps(layer: string, config: RecurrentConfig, input: readonly number[], kernel: Float32Array, recurrent: Float32Array, bias: Float32Array | undefined, maskSource?: readonly number[]): GpuStep[] {
  const masked = config.maskValue !== undefined && maskSource !== undefined;
  const mask = masked ? { maskElems: size(maskSource) / input[0], maskValue: f32Bits(config.maskValue!) } : { maskElems: 0, maskValue: 0 };
  const act = activationParams(config.activation);
  const gate = config.recurrentActivation ? activationParams(config.recurrentActivation) : act;
  const passes = recurrentPasses(config);
  const G = RECURRENT_GATES[config.cell] * config.units;
  const block = (m: Float32Array, p: number) => (passes === 1 ? m : columns(m, passes * G, p * G, G));
  const width = config.merge === 'concat' ? 2 * config.units : config.units;
  const backwards = config.goBackwards ? 1 : 0;
  return Array.from({ length: passes }, (_, p) => {
    const put = p === 0 || config.merge === 'concat' ? 'write' : config.merge!;
    const fixed = { steps: input[0], features: input[1], units: config.units, sequences: config.returnSequences ? 1 : 0, backwards: p === 0 ? backwards : 1 - backwards, reverse: p, width, offset: config.merge === 'concat' ? p * config.units : 0, ...mask };
    // A reset-after GRU's bias [2, passes·G] gives each pass its [2, G].
    const resetAfter = config.resetAfter === true;
    return simpleStep(layer, recurrentShader(config.cell, act, gate, put, masked, resetAfter), RECURRENT_PARAMS, fixed, WORKGROUP_SIZE, masked ? [0, 1] : [0], [block(kernel, p), block(recurrent, p), bias ? block(bias, p) : new Float32Array(resetAfter ? 2 * G : G)]);
  });
}

/** Columns `[from, from + count)` of a row-major matrix `width` columns wide. */
function columns(m: Float32Array, width: number, from: number, count: number): Float32Array {
  const rows = m.length / width;
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * width + from, r * width + from + count), r * count);
  return out;
}

/** A `rescale` node, `x · scale + offset`: the batch-norm program with one channel (mean 0, factor `scale`, shift `offset`). */
export function rescaleStep(layer: string, elements: number, scale: number, offset: number, inPlace: boolean): GpuStep {
  const [mean, k, beta] = [new Float32Array(1), Float32Array.of(scale), Float32Array.of(offset)];
  return simpleStep(layer, batchNormShader(inPlace), BATCH_NORM_PARAMS, { channels: 1 }, elements, inPlace ? [] : [0], [mean, k, beta]);
}

/** A standalone activation on a value of `shape`; softmax normalises along `activation.axis` (batch = axis 0). */
export function activationStep(layer: string, activation: ActivationParams, shape: readonly number[], inPlace: boolean): GpuStep {
  const inputs = inPlace ? [] : [0];
  if (activation.activation !== 'softmax') return simpleStep(layer, elementwiseShader(activation, inPlace), ELEMENTWISE_PARAMS, {}, size(shape), inputs);
  const axis = sampleAxis(activation.axis, shape.length, { where: `layer "${layer}"`, code: 'INVALID_MODEL' });
  const inner = size(shape.slice(axis + 1));
  return simpleStep(layer, softmaxShader(inPlace), SOFTMAX_PARAMS, { axis: shape[axis], inner }, size(shape) / shape[axis], inputs);
}

/** Zero padding (`sign` 1) or cropping (`sign` −1) of `[[top, bottom], [left, right]]` pixels. */
export function shift2dStep(layer: string, input: Hwc, output: Hwc, top: number, left: number, sign: 1 | -1): GpuStep {
  const fixed = { inH: input[0], inW: input[1], channels: input[2], outW: output[1], shiftY: -sign * top, shiftX: -sign * left };
  return simpleStep(layer, shift2dShader(), SHIFT2D_PARAMS, fixed, size(output));
}

/** For each output element of a permute (`dims` 1-based over the non-batch axes), the input element it reads. */
export function permuteSources(input: readonly number[], dims: readonly number[]): Uint32Array {
  const output = dims.map((d) => input[d - 1]);
  const inStrides = input.map((_, i) => size(input.slice(i + 1)));
  const source = new Uint32Array(size(output));
  const coord = new Array<number>(output.length).fill(0);
  for (let f = 0; f < source.length; f++) {
    let at = 0;
    for (let i = 0; i < output.length; i++) at += coord[i] * inStrides[dims[i] - 1];
    source[f] = at;
    for (let i = output.length - 1; i >= 0 && ++coord[i] === output[i]; i--) coord[i] = 0;
  }
  return source;
}

/** Permute of the non-batch axes. */
export function permuteStep(layer: string, input: readonly number[], dims: readonly number[]): GpuStep {
  const source = permuteSources(input, dims);
  return simpleStep(layer, gatherShader(), GATHER_PARAMS, {}, source.length, [0], [source]);
}

/**
 * upSampling2d or resizing of `[h, w, c]` through its tables (`resampleOf`): nearest, a gather from
 * the input element each output element samples; bilinear, four neighbours weighted (the weights
 * as float32).
 */
export function resampleStep(layer: string, input: readonly number[], { interpolation, rows, cols }: Resample): GpuStep {
  if (interpolation === 'nearest') {
    const source = nearestSources(input, rows.lo, cols.lo);
    return simpleStep(layer, gatherShader(), GATHER_PARAMS, {}, source.length, [0], [source]);
  }
  const [W, C] = [input[1], input[2]];
  const [OH, OW] = [rows.lo.length, cols.lo.length];
  const pairs = new Uint32Array(2 * (OH + OW));
  const fracs = new Float32Array(OH + OW);
  [rows, cols].forEach((axis, a) => axis.lo.forEach((lo, o) => {
    const k = a === 0 ? o : OH + o;
    [pairs[2 * k], pairs[2 * k + 1], fracs[k]] = [lo, axis.hi[o], axis.frac[o]];
  }));
  return simpleStep(layer, bilinearShader(), BILINEAR_PARAMS, { channels: C, inW: W, outW: OW, outH: OH }, OH * OW * C, [0], [pairs, fracs]);
}

/**
 * An element-wise merge of `count` inputs of `elements` values, folded in input order: one pass
 * binds up to {@link MERGE_INPUTS_PER_PASS} inputs, later passes start from the output. Inputs
 * flagged in `readsOutput` live in the buffer the node writes (it runs in place over them) and are
 * read through the output binding, all in the first pass (the only time the buffer still holds
 * them: with more inputs than one pass binds, they move ahead of the inputs a later pass binds).
 */
export function mergeSteps(layer: string, kind: MergeConfig['kind'], count: number, elements: number, readsOutput: readonly boolean[] = []): GpuStep[] {
  const passes: Array<{ inputs: number[]; operands: Array<number | 'y'> }> = [{ inputs: [], operands: [] }];
  const later: number[] = [];
  for (let k = 0; k < count; k++) {
    const first = passes[0];
    if (readsOutput[k]) first.operands.push('y');
    else if (first.inputs.length < MERGE_INPUTS_PER_PASS && later.length === 0) first.operands.push(first.inputs.push(k) - 1);
    else later.push(k);
  }
  for (let i = 0; i < later.length; i += MERGE_INPUTS_PER_PASS) {
    const inputs = later.slice(i, i + MERGE_INPUTS_PER_PASS);
    passes.push({ inputs, operands: ['y', ...inputs.map((_, j) => j)] });
  }
  return passes.map((p, i) => {
    const scale = kind === 'average' && i === passes.length - 1 ? 1 / count : undefined;
    return simpleStep(layer, mergeShader({ kind, inputs: p.inputs.length, operands: p.operands, scale }), MERGE_PARAMS, {}, elements, p.inputs);
  });
}

/** Concatenation along `axis` (an index into the per-sample shapes): one copy per input into its slice. */
export function concatSteps(layer: string, inputs: readonly (readonly number[])[], axis: number): GpuStep[] {
  const outInner = inputs.reduce((sum, s) => sum + size(s.slice(axis)), 0);
  let offset = 0;
  return inputs.map((s, i) => {
    const inner = size(s.slice(axis));
    const step = simpleStep(layer, placeShader(), PLACE_PARAMS, { inner, outInner, offset }, size(s), [i]);
    offset += inner;
    return step;
  });
}
