/**
 * A model compiled for one WebGPU device: weights uploaded once at prepare, pipelines compiled
 * once, two ping-pong activation buffers (device layout, see shaders/common.ts) that grow with the
 * batch, and one command buffer per chunk of samples: transpose in, every layer's dispatch,
 * transpose out, one read-back.
 */
import './webgpu-types.js';
import { DcError } from '@dc/core';
import type { PreparedModel } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { dispatchFor, paddedBatch, quadsPerThread, LANES } from './shaders/common.js';
import { fromDeviceLayoutShader, toDeviceLayoutShader, TRANSPOSE_PARAMS } from './shaders/transpose.js';
import { stepsOf, threadsOf, uniformsOf, type GpuStep } from './steps.js';
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
}

function upload(device: GPUDevice, data: Uint32Array | Float32Array): GPUBuffer {
  const buffer = device.createBuffer({ size: Math.max(4, data.byteLength), usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
  new (data instanceof Float32Array ? Float32Array : Uint32Array)(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

async function deviceStep(device: GPUDevice, programs: Programs, step: GpuStep): Promise<DeviceStep> {
  const n = step.arrays.length;
  const [p1, p4] = await Promise.all([programs.pipeline(step.shader(1), n, step.layer), step.blocked ? programs.pipeline(step.shader(4), n, step.layer) : undefined]);
  return {
    step,
    pipelines: { 1: p1, 4: p4 ?? p1 },
    layout: programs.layout(n),
    uniforms: device.createBuffer({ size: Math.ceil(step.fields.length / 4) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
    arrays: step.arrays.map((a) => upload(device, a)),
  };
}

/** A layout change at either end (its uniforms are written by the executor, not from `fields`). */
function transposeStep(layer: string, wgsl: string, width: number): GpuStep {
  return { layer, shader: () => wgsl, blocked: false, fields: TRANSPOSE_PARAMS, fixed: {}, arrays: [], items: width, outputSize: width };
}

/** Compiles `model` for `device`. */
export async function prepareWebGpuModel(device: GPUDevice, model: LoadedModel, options: PrepareWebGpuOptions = {}): Promise<PreparedModel> {
  const programs = createPrograms(device);
  const steps = model.plan.flatMap(stepsOf);
  const [inStep, outStep, ...layers] = await Promise.all([
    deviceStep(device, programs, transposeStep('input', toDeviceLayoutShader(), model.inputSize)),
    deviceStep(device, programs, transposeStep('output', fromDeviceLayoutShader(), model.outputSize)),
    ...steps.map((s) => deviceStep(device, programs, s)),
  ]);

  const perSample = Math.max(model.inputSize, ...steps.map((s) => s.outputSize));
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const deviceChunk = Math.max(LANES, Math.floor(limit / (perSample * 4) / 16) * 16);
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

  const bind = (d: DeviceStep, input: GPUBuffer, output: GPUBuffer) =>
    device.createBindGroup({ layout: d.layout, entries: [d.uniforms, input, ...d.arrays, output].map((buffer, binding) => ({ binding, resource: { buffer } })) });

  const grow = (n: number) => {
    if (n <= capacity) return;
    capacity = Math.min(maxChunk, 2 ** Math.ceil(Math.log2(n)));
    for (const b of [...buffers, ...(readback ? [readback] : [])]) b.destroy();
    const storage = (bytes: number, extra: number) => device.createBuffer({ size: Math.max(16, bytes), usage: GPUBufferUsage.STORAGE | extra });
    const staging = storage(capacity * model.inputSize * 4, GPUBufferUsage.COPY_DST);
    const ping = [0, 1].map(() => storage(paddedBatch(capacity) * perSample * 4, 0));
    const rows = storage(capacity * model.outputSize * 4, GPUBufferUsage.COPY_SRC);
    readback = device.createBuffer({ size: Math.max(16, capacity * model.outputSize * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    buffers = [staging, ...ping, rows];
    bindGroups = [bind(inStep, staging, ping[0]), ...layers.map((d, i) => bind(d, ping[i % 2], ping[(i + 1) % 2])), bind(outStep, ping[layers.length % 2], rows)];
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
    dispatch(pass, inStep, bindGroups[0], model.inputSize * padded, 1, transposeUniforms(model.inputSize * padded, model.inputSize));
    layers.forEach((d, i) => dispatch(pass, d, bindGroups[i + 1], threadsOf(d.step, quads, q), q, (rowStride) => uniformsOf(d.step, quads, q, rowStride)));
    dispatch(pass, outStep, bindGroups[layers.length + 1], n * model.outputSize, 1, transposeUniforms(n * model.outputSize, model.outputSize));
    pass.end();
    const bytes = n * model.outputSize * 4;
    encoder.copyBufferToBuffer(buffers[3], 0, readback!, 0, bytes);
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
    const out = new Float32Array(batchSize * model.outputSize);
    for (let start = 0; start < batchSize; start += maxChunk) {
      const n = Math.min(maxChunk, batchSize - start);
      out.set(await runChunk(input.subarray(start * model.inputSize, (start + n) * model.inputSize), n), start * model.outputSize);
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
      for (const b of [...buffers, ...(readback ? [readback] : []), ...[inStep, outStep, ...layers].flatMap((d) => [d.uniforms, ...d.arrays])]) b.destroy();
    },
  };
}
