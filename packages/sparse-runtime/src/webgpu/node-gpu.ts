/**
 * WebGPU in Node for tests and benchmarks: Dawn from the `webgpu` package on the SwiftShader
 * Vulkan driver that Debian's `chromium` package installs. Not part of the browser entry point.
 */
import './webgpu-types.js';
import { existsSync } from 'node:fs';
import { DcError } from '@dc/core';

/** The SwiftShader Vulkan driver of Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A `GPU` object for Node, or why there is none (only a missing Vulkan driver is a reason; a missing `webgpu` package throws). */
export type NodeGpu = { readonly gpu: GPU; readonly reason?: undefined } | { readonly gpu?: undefined; readonly reason: string };

let cached: Promise<NodeGpu> | undefined;

async function load(): Promise<NodeGpu> {
  // Point the Vulkan loader at SwiftShader unless the caller chose a driver (it reads this when Dawn starts).
  if (!process.env.VK_ICD_FILENAMES) {
    if (!existsSync(SWIFTSHADER_ICD)) return { reason: `no Vulkan driver: ${SWIFTSHADER_ICD} is missing (apt-get install chromium libvulkan1) and VK_ICD_FILENAMES is unset` };
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  } else if (!existsSync(process.env.VK_ICD_FILENAMES)) {
    return { reason: `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES} does not exist` };
  }
  process.env.XDG_RUNTIME_DIR ??= (await import('node:os')).tmpdir();
  const spec = 'webgpu';
  let mod: { create(options: string[]): GPU; globals: object };
  try {
    mod = (await import(spec)) as typeof mod;
  } catch (error) {
    // Not a reason to skip: where the driver exists, Dawn must load.
    throw new DcError('BACKEND_UNAVAILABLE', `webgpu: the \`webgpu\` package (Dawn for Node) could not be loaded: ${(error as Error).message}`, {
      hint: 'Install it: pnpm add -D webgpu', cause: error,
    });
  }
  // WebGPU's enums (GPUBufferUsage, GPUMapMode, ...) are globals in browsers; Dawn exports them.
  Object.assign(globalThis, mod.globals);
  return { gpu: mod.create([]) };
}

/**
 * Makes `gpu` this process's `navigator.gpu` unless it has one (Node 20 has no `navigator`):
 * tfjs-backend-webgpu registers its backend when its module is evaluated, and only where
 * `navigator.gpu` exists then.
 */
export function provideNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator?.gpu) Object.defineProperty(globalThis, 'navigator', { value: { ...g.navigator, gpu }, configurable: true });
}

/** Dawn's `GPU` object for this process (created once), or the reason it is unavailable. */
export function nodeGpu(): Promise<NodeGpu> {
  cached ??= load();
  return cached;
}
