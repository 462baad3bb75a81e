/**
 * A model compiled for one WebGPU device: weights uploaded once at prepare, pipelines compiled
 * once, a pool of activation buffers (device layout, see shaders/common.ts) shared by the graph's
 * values as steps/buffer-plan.ts assigns them, growing with the batch, and one command buffer per
 * chunk of samples: transpose in, every node's dispatches in topological order, transpose out,
 * one read-back.
 */
import './webgpu-types.js';
import { DcError } from '@dc/core';
import type { PreparedModel } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { assertRunnable } from '../model/refusals.js';
import { gpuGraphOf } from './gpu-graph.js';
import { dispatchFor, paddedBatch, quadsPerThread, LANES } from './shaders/common.js';
import { fromDeviceLayoutShader, toDeviceLayoutShader, TRANSPOSE_PARAMS } from './shaders/transpose.js';
import { readOnlyBindings, simpleStep, threadsOf, uniformsOf, type GpuStep } from './steps/gpu-step.js';
import { createPrograms, type Programs } from './programs.js';

/** Options of {@link prepareWebGpuModel}. */
export interface PrepareWebGpuOptions {
  /** Most samples per command buffer; larger batches run in chunks. Default: what the device's buffer limits allow. */
  readonly maxChunk?: number;
}

interface DeviceStep {
  readonly step: GpuStep;
  readonly pipelines: Readonly<Record<1 | 4, GPUComputePipeline>>;
  readonly layout: GPUBindGroupLayout;
  readonly uniforms: GPUBuffer;
  readonly arrays: GPUBuffer[];
  /** Buffer-pool indices of the values it reads, then of the value it writes. */
  readonly reads: readonly number[];
  readonly writes: number;
}

function upload(device: GPUDevice, data: Uint32Array | Float32Array): GPUBuffer {
  const buffer = device.createBuffer({ size: Math.max(4, data.byteLength), usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
  new (data instanceof Float32Array ? Float32Array : Uint32Array)(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

async function deviceStep(device: GPUDevice, programs: Programs, step: GpuStep, reads: readonly number[], writes: number): Promise<DeviceStep> {
  const n = readOnlyBindings(step);
  const [p1, p4] = await Promise.all([programs.pipeline(step.shader(1), n, step.layer), step.blocked ? programs.pipeline(step.shader(4), n, step.layer) : undefined]);
  return {
    step,
    pipelines: { 1: p1, 4: p4 ?? p1 },
    layout: programs.layout(n),
    uniforms: device.createBuffer({ size: Math.ceil(step.fields.length / 4) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
    arrays: step.arrays.map((a) => upload(device, a)),
    reads,
    writes,
  };
}

/** Compiles `model` for `device`. */
export async function prepareWebGpuModel(device: GPUDevice, model: LoadedModel, options: PrepareWebGpuOptions = {}): Promise<PreparedModel> {
  assertRunnable(model.plan, 'webgpu');
  const programs = createPrograms(device);
  const graph = gpuGraphOf(model.plan);
  const { bufferOf, bufferSizes } = graph.buffers;
  const outputBuffer = bufferOf[graph.nodes.length];
  // Pool index -1 and -2 stand for the row-major staging (input) and rows (output) buffers.
  const STAGING = -1;
  const ROWS = -2;
  const transpose = (layer: string, wgsl: string) => simpleStep(layer, wgsl, TRANSPOSE_PARAMS, {}, 0);
  const [inStep, outStep, ...layers] = await Promise.all([
    deviceStep(device, programs, transpose('input', toDeviceLayoutShader()), [STAGING], bufferOf[0]),
    deviceStep(device, programs, transpose('output', fromDeviceLayoutShader()), [outputBuffer], ROWS),
    ...graph.nodes.flatMap((node, i) => node.steps.map((s) => deviceStep(device, programs, s, s.inputs.map((k) => bufferOf[node.inputs[k]]), bufferOf[i + 1]))),
  ]);

  const largest = Math.max(...bufferSizes);
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const deviceChunk = Math.max(LANES, Math.floor(limit / (largest * 4) / 16) * 16);
  const maxChunk = Math.max(1, Math.min(deviceChunk, options.maxChunk ?? deviceChunk));

  let capacity = 0;
  let buffers: GPUBuffer[] = [];
  let bindGroups: GPUBindGroup[] = [];
  let readback: GPUBuffer | undefined;
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();
  let lost: string | undefined;
  void device.lost.then((info) => {
    lost = `the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
  });
  const lostError = () => new DcError('BACKEND_UNAVAILABLE', `webgpu: ${lost}`, { hint: 'Create a new backend with createWebGpuBackend() and prepare the model again.' });

  let pool: GPUBuffer[] = [];
  const bufferAt = (i: number) => (i === STAGING ? buffers[0] : i === ROWS ? buffers[1] : pool[i]);
  const bind = (d: DeviceStep) =>
    device.createBindGroup({ layout: d.layout, entries: [d.uniforms, ...d.reads.map(bufferAt), ...d.arrays, bufferAt(d.writes)].map((buffer, binding) => ({ binding, resource: { buffer } })) });

  const grow = (n: number) => {
    if (n <= capacity) return;
    capacity = Math.min(maxChunk, 2 ** Math.ceil(Math.log2(n)));
    for (const b of [...buffers, ...pool, ...(readback ? [readback] : [])]) b.destroy();
    const storage = (bytes: number, extra: number) => device.createBuffer({ size: Math.max(16, bytes), usage: GPUBufferUsage.STORAGE | extra });
    buffers = [storage(capacity * graph.inputSize * 4, GPUBufferUsage.COPY_DST), storage(capacity * graph.outputSize * 4, GPUBufferUsage.COPY_SRC)];
    pool = bufferSizes.map((size) => storage(paddedBatch(capacity) * size * 4, 0));
    readback = device.createBuffer({ size: Math.max(16, capacity * graph.outputSize * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    bindGroups = [inStep, outStep, ...layers].map(bind);
  };

  const dispatch = (pass: GPUComputePassEncoder, d: DeviceStep, group: GPUBindGroup, threads: number, q: 1 | 4, uniforms: (rowStride: number) => Uint32Array<ArrayBuffer>) => {
    const grid = dispatchFor(threads);
    device.queue.writeBuffer(d.uniforms, 0, uniforms(grid.rowStride));
    pass.setPipeline(d.pipelines[q]);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(grid.x, grid.y);
  };

  const runChunk = async (input: Float32Array, n: number): Promise<Float32Array> => {
    grow(n);
    const padded = paddedBatch(n);
    const quads = padded / LANES;
    const q = quadsPerThread(padded);
    device.queue.writeBuffer(buffers[0], 0, input.buffer, input.byteOffset, input.byteLength);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    const transposeUniforms = (total: number, width: number) => (rowStride: number) => new Uint32Array([total, rowStride, width, n, padded, 0, 0, 0]);
    dispatch(pass, inStep, bindGroups[0], graph.inputSize * padded, 1, transposeUniforms(graph.inputSize * padded, graph.inputSize));
    layers.forEach((d, i) => dispatch(pass, d, bindGroups[i + 2], threadsOf(d.step, quads, q), q, (rowStride) => uniformsOf(d.step, quads, q, rowStride)));
    dispatch(pass, outStep, bindGroups[1], n * graph.outputSize, 1, transposeUniforms(n * graph.outputSize, graph.outputSize));
    pass.end();
    const bytes = n * graph.outputSize * 4;
    encoder.copyBufferToBuffer(buffers[1], 0, readback!, 0, bytes);
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    device.queue.submit([encoder.finish()]);
    // Wait for the error scopes and the read-back together: one round trip, not two.
    const scopes = Promise.all([device.popErrorScope(), device.popErrorScope()]);
    const mapped = readback!.mapAsync(GPUMapMode.READ, 0, bytes).then(() => undefined, (e: unknown) => e);
    const [[validation, oom], mapError] = await Promise.all([scopes, mapped]);
    const failure = validation ?? oom ?? (mapError as Error | undefined);
    if (failure) {
      if (!mapError) readback!.unmap();
      if (lost) throw lostError();
      throw new DcError('BACKEND_UNAVAILABLE', `webgpu: running a batch of ${n} failed: ${failure.message}`, { hint: 'Try a smaller batch (the device may be out of memory), or another backend.', cause: failure });
    }
    const out = new Float32Array(readback!.getMappedRange(0, bytes).slice(0));
    readback!.unmap();
    return out;
  };

  const run = async (input: Float32Array, batchSize: number): Promise<Float32Array> => {
    if (disposed) throw new DcError('INVALID_OPTION', 'webgpu: run() after dispose()', { option: 'session' });
    if (lost) throw lostError();
    const out = new Float32Array(batchSize * graph.outputSize);
    for (let start = 0; start < batchSize; start += maxChunk) {
      const n = Math.min(maxChunk, batchSize - start);
      out.set(await runChunk(input.subarray(start * graph.inputSize, (start + n) * graph.inputSize), n), start * graph.outputSize);
    }
    return out;
  };

  return {
    // Runs are queued: they share the activation buffers.
    run(input, batchSize) {
      const result = queue.then(() => run(input, batchSize));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const b of [...buffers, ...pool, ...(readback ? [readback] : []), ...[inStep, outStep, ...layers].flatMap((d) => [d.uniforms, ...d.arrays])]) b.destroy();
    },
  };
}
