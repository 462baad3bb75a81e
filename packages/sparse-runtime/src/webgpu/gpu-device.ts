/**
 * Finds a WebGPU device: the one the caller passes (e.g. tfjs-backend-webgpu's, to share it), or
 * a new one from `navigator.gpu`. Every way this can fail becomes `BACKEND_UNAVAILABLE` with a hint.
 */
import './webgpu-types.js';
import { DcError } from '@dc/core';

/** Where the device comes from; see {@link WebGpuBackendOptions}. */
export interface DeviceSource {
  readonly device?: GPUDevice;
  readonly gpu?: GPU;
  readonly powerPreference?: GPUPowerPreference;
}

/** A device and whether this backend created it (and so destroys it on dispose). */
export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly owned: boolean;
  /** The adapter's description (vendor, architecture, device) where the platform reports it. */
  readonly adapterInfo: string;
}

const HINT_NO_GPU =
  'WebGPU needs a browser that exposes navigator.gpu (Chrome/Edge 113+, a secure context such as https:// or http://127.0.0.1), ' +
  "or in Node the `webgpu` package: `import { create, globals } from 'webgpu'; Object.assign(globalThis, globals); " +
  'createWebGpuBackend({ gpu: create([]) })`. Otherwise choose createCpuBackend() from @dc/sparse-runtime/cpu.';

function unavailable(message: string, cause?: unknown, hint = HINT_NO_GPU): DcError {
  return new DcError('BACKEND_UNAVAILABLE', `webgpu: ${message}`, { hint, cause });
}

function describe(adapter: GPUAdapter): string {
  const info = adapter.info as GPUAdapterInfo | undefined;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => typeof s === 'string' && s.length > 0);
  return parts.length > 0 ? parts.join(' / ') : 'unknown adapter';
}

/** Acquires a device (see {@link DeviceSource}); throws `BACKEND_UNAVAILABLE` when there is none. */
export async function acquireDevice(source: DeviceSource = {}): Promise<AcquiredDevice> {
  if (source.device) return { device: source.device, owned: false, adapterInfo: 'caller-provided device' };
  const gpu = source.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu || typeof gpu.requestAdapter !== 'function') throw unavailable('navigator.gpu is not available in this environment');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(source.powerPreference ? { powerPreference: source.powerPreference } : undefined);
  } catch (error) {
    throw unavailable('requestAdapter() failed', error);
  }
  if (!adapter) {
    throw unavailable('no WebGPU adapter was found (requestAdapter() returned null)', undefined,
      'Enable WebGPU (Chromium: --enable-unsafe-webgpu; Linux without a GPU: a Vulkan driver such as SwiftShader, ' +
      'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json), or choose createCpuBackend() from @dc/sparse-runtime/cpu.');
  }
  // Ask for the adapter's own buffer limits: the defaults (128 MiB per binding) would cap the batch size needlessly.
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  };
  try {
    const device = await adapter.requestDevice({ requiredLimits });
    return { device, owned: true, adapterInfo: describe(adapter) };
  } catch (error) {
    throw unavailable('requestDevice() failed', error);
  }
}
