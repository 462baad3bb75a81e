/**
 * The WebGPU backend factory. Feature detection happens here, when the backend is created, never
 * at import: without `navigator.gpu` (or an adapter) the factory throws `BACKEND_UNAVAILABLE`.
 */
import './webgpu-types.js';
import type { RuntimeBackend } from '../backend.js';
import { acquireDevice } from './gpu-device.js';
import { prepareWebGpuModel } from './prepared-webgpu-model.js';

/** Options of {@link createWebGpuBackend}. */
export interface WebGpuBackendOptions {
  /**
   * A device to run on, e.g. `(tf.backend() as WebGPUBackend).device` to share
   * `@tensorflow/tfjs-backend-webgpu`'s device. The backend then never destroys it.
   */
  readonly device?: GPUDevice;
  /** The `GPU` object to ask for an adapter; default `navigator.gpu`. In Node pass `create([])` from the `webgpu` package. */
  readonly gpu?: GPU;
  /** Adapter preference passed to `requestAdapter`. */
  readonly powerPreference?: GPUPowerPreference;
  /** Most samples per command buffer; larger batches run in chunks. Default: what the device's buffer limits allow. */
  readonly maxChunk?: number;
}

/** A WebGPU backend: a {@link RuntimeBackend} with its device. */
export interface WebGpuBackend extends RuntimeBackend {
  readonly name: 'webgpu';
  /** The device the backend runs on. */
  readonly device: GPUDevice;
  /** The adapter's description (vendor / architecture / device), e.g. `google / swiftshader`. */
  readonly adapterInfo: string;
  /** Destroys the device when the backend created it (never a caller-provided one). */
  dispose(): void;
}

/**
 * Creates the WebGPU backend: sparse-coded dense and conv2d layers, pooling, activations and
 * softmax as WGSL compute programs that read codebook indices and the sparse structure on the GPU.
 *
 * @throws DcError `BACKEND_UNAVAILABLE` when there is no `navigator.gpu`, no adapter or no device.
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const { device, owned, adapterInfo } = await acquireDevice(options);
  return {
    name: 'webgpu',
    device,
    adapterInfo,
    prepare: (model) => prepareWebGpuModel(device, model, { maxChunk: options.maxChunk }),
    dispose() {
      if (owned) device.destroy();
    },
  };
}
