/**
 * WebGPU in Node: Dawn from the `webgpu` package (an optional peer). For tests and benchmarks on
 * the SwiftShader Vulkan driver that Debian's `chromium` package installs; for a CLI or a server,
 * on the machine's own Vulkan drivers (a GPU's). Not part of the browser entry point.
 */
import './webgpu-types.js';
import { existsSync } from 'node:fs';
import { DcError } from '@dc/core';

/** The SwiftShader Vulkan driver of Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A `GPU` object for Node, or why there is none (only a missing Vulkan driver is a reason; a missing `webgpu` package throws). */
export type NodeGpu = { readonly gpu: GPU; readonly reason?: undefined } | { readonly gpu?: undefined; readonly reason: string };

/** Options of {@link nodeGpu}. */
export interface NodeGpuOptions {
  /**
   * Which Vulkan driver Dawn uses when `VK_ICD_FILENAMES` does not name one: `swiftshader` (the
   * default; tests and benchmarks: the same software adapter on every machine, and a reason, not
   * a GPU, where it is missing) or `system` (whatever drivers the machine has installed: its GPU).
   */
  readonly driver?: 'swiftshader' | 'system';
}

let cached: Promise<NodeGpu> | undefined;

async function load(driver: NonNullable<NodeGpuOptions['driver']>): Promise<NodeGpu> {
  // Point the Vulkan loader at SwiftShader unless the caller chose a driver (it reads this when Dawn starts).
  if (!process.env.VK_ICD_FILENAMES && driver === 'swiftshader') {
    if (!existsSync(SWIFTSHADER_ICD)) return { reason: `no Vulkan driver: ${SWIFTSHADER_ICD} is missing (apt-get install chromium libvulkan1) and VK_ICD_FILENAMES is unset` };
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  } else if (process.env.VK_ICD_FILENAMES && !existsSync(process.env.VK_ICD_FILENAMES)) {
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
      hint: 'Install it (npm install webgpu) to run WebGPU in Node, or choose another backend.', cause: error,
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

/**
 * Dawn's `GPU` object for this process, or the reason it is unavailable. Created once: the Vulkan
 * driver is chosen by the first call (see {@link NodeGpuOptions.driver}).
 *
 * @throws DcError `BACKEND_UNAVAILABLE` when the `webgpu` package does not load.
 */
export function nodeGpu(options: NodeGpuOptions = {}): Promise<NodeGpu> {
  cached ??= load(options.driver ?? 'swiftshader');
  return cached;
}
