/**
 * A model compiled for one WebGPU device: weights uploaded once at prepare, one pipeline per
 * distinct program, two ping-pong activation buffers that grow with the batch, and one command
 * buffer per chunk of samples (every layer's dispatch in one compute pass, then one read-back).
 */
import './webgpu-types.js';
import { DcError } from '@dc/core';
import type { PreparedModel } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { dispatchFor } from './shaders/common.js';
import { stepsOf, uniformsOf, type GpuStep } from './steps.js';

interface DeviceStep {
  readonly step: GpuStep;
  readonly pipeline: GPUComputePipeline;
  readonly uniforms: GPUBuffer;
  readonly arrays: GPUBuffer[];
}

/** Options of {@link prepareWebGpuModel}. */
export interface PrepareWebGpuOptions {
  /** Most samples per command buffer; larger batches run in chunks. Default: as many as the device's buffer limits allow. */
  readonly maxChunk?: number;
}

function upload(device: GPUDevice, data: Uint32Array | Float32Array, usage: number): GPUBuffer {
  const buffer = device.createBuffer({ size: Math.max(4, Math.ceil(data.byteLength / 4) * 4), usage, mappedAtCreation: true });
  const view = data instanceof Float32Array ? new Float32Array(buffer.getMappedRange()) : new Uint32Array(buffer.getMappedRange());
  view.set(data);
  buffer.unmap();
  return buffer;
}

async function compile(device: GPUDevice, code: string, layer: string): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ code });
  try {
    return await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  } catch (error) {
    const info = await module.getCompilationInfo?.().catch(() => undefined);
    const messages = info?.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ') ?? '';
    throw new DcError('BACKEND_UNAVAILABLE', `webgpu: the program of layer "${layer}" failed to compile ${messages}`, {
      tensor: layer, cause: error, hint: 'The WebGPU implementation rejected a compute shader; report it with the adapter name, and use createCpuBackend() meanwhile.',
    });
  }
}

/** Compiles `model` for `device`. */
export async function prepareWebGpuModel(device: GPUDevice, model: LoadedModel, options: PrepareWebGpuOptions = {}): Promise<PreparedModel> {
  const steps = model.plan.flatMap(stepsOf);
  const pipelines = new Map<string, Promise<GPUComputePipeline>>();
  const program = (s: GpuStep) => {
    if (!pipelines.has(s.shader)) pipelines.set(s.shader, compile(device, s.shader, s.layer));
    return pipelines.get(s.shader)!;
  };
  const uniformUsage = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
  const dsteps: DeviceStep[] = await Promise.all(steps.map(async (step) => ({
    step,
    pipeline: await program(step),
    uniforms: device.createBuffer({ size: Math.ceil(step.fields.length / 4) * 16, usage: uniformUsage }),
    arrays: step.arrays.map((a) => upload(device, a, GPUBufferUsage.STORAGE)),
  })));

  const perSample = Math.max(model.inputSize, ...steps.map((s) => s.outputSize));
  const bindingLimit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const deviceChunk = Math.max(1, Math.floor(bindingLimit / (perSample * 4)));
  const maxChunk = Math.max(1, Math.min(deviceChunk, options.maxChunk ?? deviceChunk));
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

  let capacity = 0;
  let ping: GPUBuffer[] = [];
  let readback: GPUBuffer | null = null;
  let bindGroups: GPUBindGroup[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  const grow = (n: number) => {
    if (n <= capacity) return;
    capacity = Math.min(maxChunk, 2 ** Math.ceil(Math.log2(n)));
    for (const b of ping) b.destroy();
    readback?.destroy();
    ping = [0, 1].map(() => device.createBuffer({ size: capacity * perSample * 4, usage: storage }));
    readback = device.createBuffer({ size: Math.max(4, capacity * model.outputSize * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    bindGroups = dsteps.map((d, i) => device.createBindGroup({
      layout: d.pipeline.getBindGroupLayout(0),
      entries: [d.uniforms, ping[i % 2], ...d.arrays, ping[(i + 1) % 2]].map((buffer, binding) => ({ binding, resource: { buffer } })),
    }));
  };

  const runChunk = async (input: Float32Array, n: number): Promise<Float32Array> => {
    grow(n);
    device.queue.writeBuffer(ping[0], 0, input.buffer, input.byteOffset, input.byteLength);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    dsteps.forEach((d, i) => {
      const grid = dispatchFor(d.step.threadsPerSample * n);
      device.queue.writeBuffer(d.uniforms, 0, uniformsOf(d.step, n, grid.rowStride));
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, bindGroups[i]);
      pass.dispatchWorkgroups(grid.x, grid.y);
    });
    pass.end();
    const bytes = n * model.outputSize * 4;
    encoder.copyBufferToBuffer(ping[dsteps.length % 2], 0, readback!, 0, bytes);
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    device.queue.submit([encoder.finish()]);
    const [validation, oom] = [await device.popErrorScope(), await device.popErrorScope()];
    const failure = validation ?? oom;
    if (failure) throw new DcError('BACKEND_UNAVAILABLE', `webgpu: running a batch of ${n} failed: ${failure.message}`, { hint: 'Try a smaller batch (the device may be out of memory), or another backend.' });
    await readback!.mapAsync(GPUMapMode.READ, 0, bytes);
    const out = new Float32Array(readback!.getMappedRange(0, bytes).slice(0));
    readback!.unmap();
    return out;
  };

  const run = async (input: Float32Array, batchSize: number): Promise<Float32Array> => {
    if (disposed) throw new DcError('INVALID_OPTION', 'webgpu: run() after dispose()', { option: 'session' });
    const out = new Float32Array(batchSize * model.outputSize);
    for (let start = 0; start < batchSize; start += maxChunk) {
      const n = Math.min(maxChunk, batchSize - start);
      const chunk = await runChunk(input.subarray(start * model.inputSize, (start + n) * model.inputSize), n);
      out.set(chunk, start * model.outputSize);
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
      for (const b of [...ping, ...(readback ? [readback] : []), ...dsteps.flatMap((d) => [d.uniforms, ...d.arrays])]) b.destroy();
    },
  };
}
