/**
 * Turns the runtime's shared plan into GPU steps: for each step the WGSL program, the read-only
 * arrays it binds (packed kernel, codebook, bias) and its uniform values for a given batch size.
 * Host-side and free of WebGPU objects, so it is tested without a device.
 */
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
  readonly shader: string;
  /** Read-only arrays bound after the input, in binding order. */
  readonly arrays: ReadonlyArray<Uint32Array | Float32Array>;
  /** Uniform field names, in struct order (the first two are `total` and `rowStride`). */
  readonly fields: readonly string[];
  /** Uniform values other than `total` and `rowStride`, which depend on the batch. */
  readonly fixed: Readonly<Record<string, number>>;
  /** Threads for a batch: one per output element (per row for softmax). */
  readonly threadsPerSample: number;
  /** Output floats per sample. */
  readonly outputSize: number;
}

function biasOf(bias: Float32Array | null, n: number): Float32Array {
  return bias ?? new Float32Array(n);
}

function kernelStep(layer: string, shader: string, fields: readonly string[], fixed: Record<string, number>, k: PackedColumns, bias: Float32Array, outputSize: number): GpuStep {
  return { layer, shader, fields, fixed, arrays: [k.offsets, k.entries, k.table, bias], threadsPerSample: outputSize, outputSize };
}

function softmaxStep(layer: string, size: number, width: number): GpuStep {
  return { layer, shader: softmaxShader(), fields: SOFTMAX_PARAMS, fixed: { width }, arrays: [], threadsPerSample: size / width, outputSize: size };
}

/** The GPU steps of one planned layer (none for reshapes; two for a layer with a softmax activation). */
export function stepsOf(p: PlannedLayer): GpuStep[] {
  switch (p.op) {
    case 'dense': {
      const k = packColumns(p.kernel, `${p.name}/kernel`);
      const main = kernelStep(p.name, denseShader(k.codeBits, p.activation), DENSE_PARAMS, { inDim: p.inputSize, outDim: p.units }, k, biasOf(p.bias, p.units), p.units);
      return p.activation === 'softmax' ? [main, softmaxStep(p.name, p.units, p.units)] : [main];
    }
    case 'conv2d': {
      const k = packColumns(p.kernel, `${p.name}/kernel`);
      const [inH, inW, inC] = p.input;
      const [outH, outW, outC] = p.output;
      const fixed = { inH, inW, inC, outH, outW, outC, kW: p.kernelSize[1], strideY: p.strides[0], strideX: p.strides[1], padTop: p.pads.top, padLeft: p.pads.left };
      const size = outH * outW * outC;
      const main = kernelStep(p.name, conv2dShader(k.codeBits, p.activation), CONV2D_PARAMS, fixed, k, biasOf(p.bias, outC), size);
      return p.activation === 'softmax' ? [main, softmaxStep(p.name, size, outC)] : [main];
    }
    case 'maxPool':
    case 'avgPool': {
      const [inH, inW, channels] = p.input;
      const [outH, outW] = p.output;
      const fixed = { inH, inW, channels, outH, outW, poolH: p.poolSize[0], poolW: p.poolSize[1], strideY: p.strides[0], strideX: p.strides[1], padTop: p.pads.top, padLeft: p.pads.left };
      const size = outH * outW * channels;
      return [{ layer: p.name, shader: poolShader(p.op === 'maxPool' ? 'max' : 'avg'), fields: POOL_PARAMS, fixed, arrays: [], threadsPerSample: size, outputSize: size }];
    }
    case 'activation':
      if (p.activation === 'softmax') return [softmaxStep(p.name, p.size, p.lastDim)];
      return [{ layer: p.name, shader: elementwiseShader(p.activation), fields: ELEMENTWISE_PARAMS, fixed: {}, arrays: [], threadsPerSample: p.size, outputSize: p.size }];
    case 'reshape':
      return [];
  }
}

/** The uniform block of `step` for `batch` samples, given the dispatch's threads per grid row. */
export function uniformsOf(step: GpuStep, batch: number, rowStride: number): Uint32Array<ArrayBuffer> {
  const values = new Uint32Array(Math.ceil(step.fields.length / 4) * 4);
  step.fields.forEach((f, i) => {
    values[i] = f === 'total' ? step.threadsPerSample * batch : f === 'rowStride' ? rowStride : step.fixed[f];
  });
  return values;
}
