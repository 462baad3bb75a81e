/**
 * Turns the runtime's shared plan into GPU steps: for each step its WGSL program, the read-only
 * arrays it binds (packed kernel, codebook, bias) and its uniform values for a given batch.
 * Host-side and free of WebGPU objects, so it is tested without a device.
 */
import { DcError } from '@dc/core';
import type { PlannedLayer } from '../model/plan.js';
import { packColumns, type PackedColumns } from './pack-columns.js';
import { conv2dShader, CONV2D_PARAMS } from './shaders/conv2d.js';
import { denseShader, DENSE_PARAMS } from './shaders/dense.js';
import { elementwiseShader, softmaxShader, ELEMENTWISE_PARAMS, SOFTMAX_PARAMS } from './shaders/elementwise.js';
import { poolShader, POOL_PARAMS } from './shaders/pool.js';

/** One GPU dispatch: binding 0 is the uniform block, 1 the input, then `arrays`, then the output. */
export interface GpuStep {
  /** The layer it comes from. */
  readonly layer: string;
  /** WGSL for `q` vec4 of samples per thread (1 or 4); programs that do not block ignore `q`. */
  readonly shader: (q: 1 | 4) => string;
  /** True when a thread handles `q` vec4 of samples (dense, conv2d); otherwise one. */
  readonly blocked: boolean;
  /** Read-only arrays bound after the input, in binding order. */
  readonly arrays: ReadonlyArray<Uint32Array | Float32Array>;
  /** Uniform field names, in struct order (`total`, `rowStride`, `quads` first). */
  readonly fields: readonly string[];
  /** Uniform values other than `total`, `rowStride` and `quads`, which depend on the batch. */
  readonly fixed: Readonly<Record<string, number>>;
  /** Work items per vec4 of samples: output elements (rows for softmax). */
  readonly items: number;
  /** Output floats per sample. */
  readonly outputSize: number;
}

function kernelStep(layer: string, shader: GpuStep['shader'], fields: readonly string[], fixed: Record<string, number>, k: PackedColumns, bias: Float32Array | null, outputSize: number): GpuStep {
  const b = bias ?? new Float32Array(k.columns);
  return { layer, shader, blocked: true, fields, fixed, arrays: [k.offsets, k.entries, k.table, b], items: outputSize, outputSize };
}

/** `ky | kx << 8 | ci << 16` for every row `(ky·kw + kx)·cin + ci` of a conv kernel. */
export function convTaps(layer: string, kh: number, kw: number, cin: number): Uint32Array {
  if (kh > 256 || kw > 256 || cin > 65536) {
    throw new DcError('UNSUPPORTED_LAYER', `conv2d "${layer}": the webgpu backend supports kernels up to 256×256 with up to 65,536 input channels, got ${kh}×${kw}×${cin}`, { tensor: layer, hint: 'Use the cpu or tfjs backend for this model.' });
  }
  const taps = new Uint32Array(kh * kw * cin);
  for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) for (let ci = 0; ci < cin; ci++) taps[(ky * kw + kx) * cin + ci] = (ky | (kx << 8) | (ci << 16)) >>> 0;
  return taps;
}

function simpleStep(layer: string, wgsl: string, fields: readonly string[], fixed: Record<string, number>, items: number, outputSize: number): GpuStep {
  return { layer, shader: () => wgsl, blocked: false, fields, fixed, arrays: [], items, outputSize };
}

function softmaxStep(layer: string, size: number, width: number): GpuStep {
  return simpleStep(layer, softmaxShader(), SOFTMAX_PARAMS, { width }, size / width, size);
}

/** The GPU steps of one planned layer (none for reshapes; two for a layer with a softmax activation). */
export function stepsOf(p: PlannedLayer): GpuStep[] {
  switch (p.op) {
    case 'dense': {
      const k = packColumns(p.kernel, `${p.name}/kernel`);
      const main = kernelStep(p.name, (q) => denseShader(k.codeBits, p.activation, q), DENSE_PARAMS, { inDim: p.inputSize, outDim: p.units }, k, p.bias, p.units);
      return p.activation === 'softmax' ? [main, softmaxStep(p.name, p.units, p.units)] : [main];
    }
    case 'conv2d': {
      const k = packColumns(p.kernel, `${p.name}/kernel`);
      const [inH, inW, inC] = p.input;
      const [outH, outW, outC] = p.output;
      const fixed = { inH, inW, inC, outH, outW, outC, strideY: p.strides[0], strideX: p.strides[1], padTop: p.pads.top, padLeft: p.pads.left };
      const size = outH * outW * outC;
      const base = kernelStep(p.name, (q) => conv2dShader(k.codeBits, p.activation, q), CONV2D_PARAMS, fixed, k, p.bias, size);
      const main = { ...base, arrays: [...base.arrays, convTaps(p.name, p.kernelSize[0], p.kernelSize[1], inC)] };
      return p.activation === 'softmax' ? [main, softmaxStep(p.name, size, outC)] : [main];
    }
    case 'maxPool':
    case 'avgPool': {
      const [inH, inW, channels] = p.input;
      const [outH, outW] = p.output;
      const fixed = { inH, inW, channels, outH, outW, poolH: p.poolSize[0], poolW: p.poolSize[1], strideY: p.strides[0], strideX: p.strides[1], padTop: p.pads.top, padLeft: p.pads.left };
      const size = outH * outW * channels;
      return [simpleStep(p.name, poolShader(p.op === 'maxPool' ? 'max' : 'avg'), POOL_PARAMS, fixed, size, size)];
    }
    case 'activation':
      if (p.activation === 'softmax') return [softmaxStep(p.name, p.size, p.lastDim)];
      return [simpleStep(p.name, elementwiseShader(p.activation), ELEMENTWISE_PARAMS, {}, p.size, p.size)];
    case 'reshape':
      return [];
  }
}

/** Threads of `step` for `quads` vec4 of samples, `q` of them per thread in blocked programs. */
export function threadsOf(step: GpuStep, quads: number, q: 1 | 4): number {
  return step.items * (step.blocked ? quads / q : quads);
}

/** The uniform block of `step` for `quads` vec4 of samples, given the dispatch's threads per grid row. */
export function uniformsOf(step: GpuStep, quads: number, q: 1 | 4, rowStride: number): Uint32Array<ArrayBuffer> {
  const values = new Uint32Array(Math.ceil(step.fields.length / 4) * 4);
  const batchDependent: Record<string, number> = { total: threadsOf(step, quads, q), rowStride, quads };
  step.fields.forEach((f, i) => {
    values[i] = batchDependent[f] ?? step.fixed[f];
  });
  return values;
}
