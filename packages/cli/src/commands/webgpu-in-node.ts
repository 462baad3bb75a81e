/**
 * `--backend webgpu` where the process has no `navigator.gpu` (Node): Dawn from the `webgpu`
 * package, an optional peer of `@dc/cli`, on the machine's own Vulkan drivers, its GPU's
 * (`VK_ICD_FILENAMES` chooses another, e.g. SwiftShader's software one). Where `navigator.gpu`
 * exists (Deno, a browser-like host) it is used as it is.
 */
import { DcError, isDcError } from '@dc/core';
import type { WebGpuBackendOptions } from '@dc/sparse-runtime/webgpu';

/** A WebGPU `GPU` object, as `@dc/sparse-runtime/webgpu` takes it. */
type Gpu = NonNullable<WebGpuBackendOptions['gpu']>;

/** What to do where WebGPU finds no adapter or device, in the CLI's terms (flags, not API calls). */
const NO_ADAPTER_HINT = "dc runs WebGPU in Node on Dawn (the `webgpu` package) over the machine's Vulkan driver: a GPU's, or the one VK_ICD_FILENAMES names (SwiftShader's, software: /usr/lib/chromium/vk_swiftshader_icd.json from Debian's chromium). Or run with --backend cpu.";

/** This process's `navigator.gpu`, if it has one. */
const navigatorGpu = (): Gpu | undefined => (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;

/**
 * The `GPU` object `--backend webgpu` runs on: `navigator.gpu`, or Dawn's in Node.
 *
 * @throws DcError `BACKEND_UNAVAILABLE` when the `webgpu` package does not load (its hint: install
 * it), or `VK_ICD_FILENAMES` names a driver that does not exist.
 */
export async function webGpu(): Promise<Gpu> {
  const own = navigatorGpu();
  if (own) return own;
  const { nodeGpu } = await import('@dc/sparse-runtime/webgpu/node');
  const node = await nodeGpu({ driver: 'system' });
  if (node.gpu) return node.gpu;
  throw new DcError('BACKEND_UNAVAILABLE', `webgpu: ${node.reason}`, { hint: 'Unset VK_ICD_FILENAMES to use the machine\'s own Vulkan drivers, or point it at one that exists.' });
}

/**
 * Registers tfjs's `webgpu` backend (a GraphModel file's `--backend webgpu`): in Node,
 * `@tensorflow/tfjs-backend-webgpu` registers it only where `navigator.gpu` exists when it is
 * imported, so Dawn's is made `navigator.gpu` first. Where no adapter is found it is refused
 * here, not by tfjs (which logs its own failure first and suggests only the cpu backend).
 */
export async function registerTfjsWebGpu(): Promise<void> {
  const gpu = await webGpu();
  if (!(await gpu.requestAdapter().catch(() => null))) throw new DcError('BACKEND_UNAVAILABLE', 'webgpu: no WebGPU adapter was found (requestAdapter() returned null)', { hint: NO_ADAPTER_HINT });
  if (!navigatorGpu()) {
    const { provideNavigatorGpu } = await import('@dc/sparse-runtime/webgpu/node');
    provideNavigatorGpu(gpu);
  }
  const spec = '@tensorflow/tfjs-backend-webgpu';
  try {
    await import(/* @vite-ignore */ spec);
  } catch (cause) {
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "webgpu" needs @tensorflow/tfjs-backend-webgpu: ${(cause as Error).message.split('\n')[0]}`, { cause, hint: 'npm install @tensorflow/tfjs-backend-webgpu (the same version as @tensorflow/tfjs).' });
  }
}

/**
 * Rethrows a `BACKEND_UNAVAILABLE` of WebGPU (no adapter, no device, a tfjs backend that did not
 * start) with the CLI's hint, the original as its cause; anything else as it is.
 */
export function rethrowInCliTerms(e: unknown): never {
  if (!isDcError(e) || e.code !== 'BACKEND_UNAVAILABLE') throw e;
  throw new DcError('BACKEND_UNAVAILABLE', e.message.replace(/^\[BACKEND_UNAVAILABLE\] /, ''), { hint: NO_ADAPTER_HINT, cause: e });
}
