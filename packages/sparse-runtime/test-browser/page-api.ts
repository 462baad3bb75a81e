/**
 * The API the headless-Chromium pages expose as `window.dcPage` (pages built by vite, served on
 * 127.0.0.1): prepare a compressed model sent from Node (or fetched as a .dcm file) on the WebGPU
 * backend, run batches, and run the cpu backend on the same model for comparison. No side effects
 * here (the package is `sideEffects: false`): each page's entry calls {@link installPageApi}.
 */
import type { CompressedModel } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { createCpuBackend } from '../src/cpu/index.js';
import { loadCompressedModel } from '../src/model/load.js';
import { createWebGpuBackend, type WebGpuBackend } from '../src/webgpu/index.js';
import type { PreparedModel } from '../src/backend.js';
import type { WireModel } from '../src/webgpu/testing/wire-model.js';
import { fromWire } from '../src/webgpu/testing/wire-model.js';
import { benchPrepared } from '../src/webgpu/bench-loop.js';

let backend: WebGpuBackend | undefined;
const prepared = new Map<number, PreparedModel>();
const inputSizes = new Map<number, number>();
const cpu = createCpuBackend();
let nextId = 1;

async function gpu(): Promise<WebGpuBackend> {
  backend ??= await createWebGpuBackend();
  return backend;
}

const baseApi = {
  /** The adapter's description, or the DcError message when WebGPU is unavailable. */
  async adapter(): Promise<string> {
    try {
      return (await gpu()).adapterInfo;
    } catch (e) {
      return `unavailable: ${(e as Error).message}`;
    }
  },
  /** Prepares a model on `which` backend; returns its id. */
  async prepare(wire: WireModel | string, which: 'webgpu' | 'cpu' = 'webgpu'): Promise<number> {
    const source: CompressedModel | string = typeof wire === 'string' ? wire : fromWire(wire);
    // A URL path is a .dcm file served next to the page; Huffman streams need their decoder.
    const model = await loadCompressedModel(source, { decoders: [huffmanDecoder] });
    const id = nextId++;
    prepared.set(id, await (which === 'webgpu' ? (await gpu()).prepare(model) : cpu.prepare(model)));
    inputSizes.set(id, model.inputSize);
    return id;
  },
  run(id: number, input: Float32Array, batch: number): Promise<Float32Array> {
    return prepared.get(id)!.run(input, batch);
  },
  dispose(id: number): void {
    prepared.get(id)?.dispose();
    prepared.delete(id);
    inputSizes.delete(id);
  },
  /** Samples per second of model `id` at `batch` (see bench-loop.ts). */
  bench(id: number, batch: number, minMs: number) {
    return benchPrepared(prepared.get(id)!, inputSizes.get(id)!, batch, minMs);
  },
};

/** The page API; the benchmark page adds `benchAgainstTfjs`. */
export type PageApi = typeof baseApi & { benchAgainstTfjs?: unknown };

declare global {
  interface Window {
    dcPage: PageApi;
  }
}

/** Exposes the API (with `extra` members) as `window.dcPage` and marks the page ready. */
export function installPageApi(extra: Partial<PageApi> = {}): void {
  window.dcPage = { ...baseApi, ...extra };
  document.getElementById('status')!.textContent = 'ready';
}
