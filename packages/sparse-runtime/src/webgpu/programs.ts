/**
 * Compiled programs of one device: an explicit bind-group layout per number of weight arrays
 * (uniform, input, arrays..., output), so the two variants of a program share bind groups, and a
 * pipeline per distinct WGSL source. Compile errors become `DcError`s naming the layer.
 */
import './webgpu-types.js';
import { DcError } from '@dc/core';

/** Pipelines and layouts of one device. */
export interface Programs {
  layout(arrays: number): GPUBindGroupLayout;
  pipeline(code: string, arrays: number, layer: string): Promise<GPUComputePipeline>;
}

/** A program cache for `device`. */
export function createPrograms(device: GPUDevice): Programs {
  const layouts = new Map<number, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  const pipelines = new Map<string, Promise<GPUComputePipeline>>();
  const layoutOf = (arrays: number) => {
    let l = layouts.get(arrays);
    if (!l) {
      const storage = (type: GPUBufferBindingType) => ({ visibility: GPUShaderStage.COMPUTE, buffer: { type } });
      const entries = [storage('uniform'), ...Array.from({ length: arrays + 1 }, () => storage('read-only-storage')), storage('storage')];
      const group = device.createBindGroupLayout({ entries: entries.map((e, binding) => ({ binding, ...e })) });
      l = { group, pipeline: device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      layouts.set(arrays, l);
    }
    return l;
  };
  const compile = async (code: string, arrays: number, layer: string) => {
    const module = device.createShaderModule({ code });
    try {
      return await device.createComputePipelineAsync({ layout: layoutOf(arrays).pipeline, compute: { module, entryPoint: 'main' } });
    } catch (error) {
      const info = await module.getCompilationInfo?.().catch(() => undefined);
      const messages = info?.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ') ?? '';
      throw new DcError('BACKEND_UNAVAILABLE', `webgpu: the program of layer "${layer}" failed to compile: ${(error as Error).message} ${messages}`, {
        tensor: layer, cause: error, hint: 'The WebGPU implementation rejected a compute shader; report it with the adapter name, and use createCpuBackend() meanwhile.',
      });
    }
  };
  return {
    layout: (arrays) => layoutOf(arrays).group,
    pipeline(code, arrays, layer) {
      const key = `${arrays}\n${code}`;
      let p = pipelines.get(key);
      if (!p) {
        p = compile(code, arrays, layer);
        pipelines.set(key, p);
      }
      return p;
    },
  };
}
