/**
 * Compiled programs of one device: an explicit bind-group layout per number of read-only storage
 * bindings (uniform, inputs and arrays..., output), so the two variants of a program share bind
 * groups, and a pipeline per distinct WGSL source. Compile errors become `DcError`s naming the layer.
 */
import './webgpu-types.js';
import { DcError } from '@dc/core';

/** Pipelines and layouts of one device. */
export interface Programs {
  /** The layout of a program with `readOnly` read-only storage bindings between the uniform and the output. */
  layout(readOnly: number): GPUBindGroupLayout;
  pipeline(code: string, readOnly: number, layer: string): Promise<GPUComputePipeline>;
}

/** A program cache for `device`. */
export function createPrograms(device: GPUDevice): Programs {
  const layouts = new Map<number, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  const pipelines = new Map<string, Promise<GPUComputePipeline>>();
  const layoutOf = (readOnly: number) => {
    let l = layouts.get(readOnly);
    if (!l) {
      const storage = (type: GPUBufferBindingType) => ({ visibility: GPUShaderStage.COMPUTE, buffer: { type } });
      const entries = [storage('uniform'), ...Array.from({ length: readOnly }, () => storage('read-only-storage')), storage('storage')];
      const group = device.createBindGroupLayout({ entries: entries.map((e, binding) => ({ binding, ...e })) });
      l = { group, pipeline: device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      layouts.set(readOnly, l);
    }
    return l;
  };
  const compile = async (code: string, readOnly: number, layer: string) => {
    const module = device.createShaderModule({ code });
    try {
      return await device.createComputePipelineAsync({ layout: layoutOf(readOnly).pipeline, compute: { module, entryPoint: 'main' } });
    } catch (error) {
      const info = await module.getCompilationInfo?.().catch(() => undefined);
      const messages = info?.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ') ?? '';
      throw new DcError('BACKEND_UNAVAILABLE', `webgpu: the program of layer "${layer}" failed to compile: ${(error as Error).message} ${messages}`, {
        tensor: layer, cause: error, hint: 'The WebGPU implementation rejected a compute shader; report it with the adapter name, and use createCpuBackend() meanwhile.',
      });
    }
  };
  return {
    layout: (readOnly) => layoutOf(readOnly).group,
    pipeline(code, readOnly, layer) {
      const key = `${readOnly}\n${code}`;
      let p = pipelines.get(key);
      if (!p) {
        p = compile(code, readOnly, layer);
        pipelines.set(key, p);
      }
      return p;
    },
  };
}
