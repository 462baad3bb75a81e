/**
 * `runWebGpuBench()`: throughput of the WebGPU backend (samples/s) for a compressed model (a
 * LeNet-300-100-sized one by default, or a real file) at batch 1 and 1,000, and the same batches
 * side by side with `@tensorflow/tfjs-backend-webgpu` running the dense reconstruction, for
 * `scripts/bench.mjs`. In Node it runs on Dawn (the `webgpu` package) with SwiftShader unless a
 * `GPU` is passed or `navigator.gpu` exists.
 */
import './webgpu-types.js';
import { createRandom, DcError, type CompressedModel, type CompressedTensor, type LayerTopology } from '@dc/core';
import type * as tfTypes from '@tensorflow/tfjs';
import { loadCompressedModel } from '../model/load.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { randomKernel, randomMlp } from '../testing/random-model.js';
import { benchPrepared, type ThroughputResult } from './bench-loop.js';
import { benchAgainstTfjs, type TfjsComparisonRow } from './bench-tfjs.js';
import { createWebGpuBackend } from './create-webgpu-backend.js';
import { nodeGpu, provideNavigatorGpu } from './node-gpu.js';

/** Options of {@link runWebGpuBench}. */
export interface WebGpuBenchOptions {
  /** The model; default a random LeNet-300-100 (784-300-100-10, 8% of weights kept, 6-bit codes). */
  readonly model?: CompressedModel | LoadedModel;
  /** Or a `.dcm` file (path or bytes), e.g. the demo's shipped LeNet-5. */
  readonly file?: string | Uint8Array;
  /**
   * Also time `@tensorflow/tfjs-backend-webgpu` on the dense reconstruction, interleaved with this
   * backend on tfjs's device (default true; skipped, saying why, when the package does not load).
   * In Node this sets `navigator.gpu` (tfjs-backend-webgpu registers itself only when it exists).
   */
  readonly compareTfjs?: boolean;
  /** Batch sizes; default `[1, 1000]`. */
  readonly batches?: readonly number[];
  /** Minimum measuring time per batch size in milliseconds (default 2000). */
  readonly minMs?: number;
  /** The `GPU` to use; default `navigator.gpu`, else Dawn from the `webgpu` package. */
  readonly gpu?: GPU;
  /**
   * tfjs with `@tensorflow/tfjs-backend-webgpu` already imported (so its `webgpu` backend is
   * registered on `navigator.gpu`), for the comparison; default: both imported here by name, which
   * a bundle that inlines its modules cannot do.
   */
  readonly tfjs?: typeof tfTypes;
}

/** What {@link runWebGpuBench} measured. */
export interface WebGpuBenchResult {
  readonly backend: 'webgpu';
  readonly adapter: string;
  readonly model: string;
  /** Kept weights of the model's kernels. */
  readonly keptWeights: number;
  /** Milliseconds to prepare the model (pack, upload, compile pipelines). */
  readonly prepareMs: number;
  /** This backend alone, on its own device. */
  readonly results: readonly ThroughputResult[];
  /** This backend and tfjs-backend-webgpu's dense network side by side (when `compareTfjs`). */
  readonly tfjsWebGpu?: readonly TfjsComparisonRow[];
  /** Why the comparison did not run. */
  readonly tfjsWebGpuSkipped?: string;
}

/** The default benchmark model: LeNet-300-100's shape at the paper's overall density and bits. */
export function lenet300100Sized(): CompressedModel {
  return { ...randomMlp({ seed: 300100, sizes: [784, 300, 100, 10], density: 0.08, bits: 6 }), name: 'lenet-300-100-sized' };
}

/**
 * A LeNet-5-shaped model (Caffe LeNet: conv 5×5 1→20, max-pool 2, conv 5×5 20→50, max-pool 2,
 * dense 800→500 relu, 500→10 softmax) at the paper's per-layer kept fractions and bits.
 */
export function lenet5Sized(): CompressedModel {
  const r = createRandom(5);
  const layers: LayerTopology[] = [
    { name: 'conv1', config: { kind: 'conv2d', filters: 20, kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true } },
    { name: 'pool1', config: { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    { name: 'conv2', config: { kind: 'conv2d', filters: 50, kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true } },
    { name: 'pool2', config: { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    { name: 'flatten', config: { kind: 'flatten' } },
    { name: 'ip1', config: { kind: 'dense', units: 500, activation: 'relu', useBias: true } },
    { name: 'ip2', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true } },
  ];
  const kernels: Array<[string, number[], number, number]> = [
    ['conv1', [5, 5, 1, 20], 0.66, 8], ['conv2', [5, 5, 20, 50], 0.12, 8], ['ip1', [800, 500], 0.08, 5], ['ip2', [500, 10], 0.19, 5],
  ];
  const tensors = new Map<string, CompressedTensor>();
  for (const [name, shape, density, bits] of kernels) {
    tensors.set(`${name}/kernel`, randomKernel(r, { shape, density, bits, layout: 'sparse-coded' }));
    const n = shape[shape.length - 1];
    tensors.set(`${name}/bias`, { layout: 'dense', shape: [n], values: new Float32Array(n).map(() => 0.1 * (r.next() - 0.5)) });
  }
  return { name: 'lenet-5-sized', inputShape: [28, 28, 1], layers, tensors, stages: [] };
}

async function findGpu(gpu: GPU | undefined): Promise<GPU> {
  const found = gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (found) return found;
  const node = await nodeGpu();
  if (!node.gpu) throw new DcError('BACKEND_UNAVAILABLE', `webgpu: ${node.reason}`, { hint: 'Install Debian chromium and libvulkan1 (SwiftShader) and the `webgpu` npm package, or run in a browser.' });
  return node.gpu;
}

/** tfjs with its `webgpu` backend registered on `gpu`, or why not. */
async function tfjsOnWebGpu(gpu: GPU): Promise<{ tf: typeof tfTypes } | { skipped: string }> {
  try {
    provideNavigatorGpu(gpu);
    const [tfSpec, webgpuSpec] = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'];
    const tf = (await import(tfSpec)) as typeof tfTypes;
    await import(webgpuSpec);
    return { tf };
  } catch (error) {
    return { skipped: `@tensorflow/tfjs-backend-webgpu could not be loaded: ${(error as Error).message}` };
  }
}

/** Measures the WebGPU backend's throughput on `options.model` at each batch size, and against tfjs-backend-webgpu. */
export async function runWebGpuBench(options: WebGpuBenchOptions = {}): Promise<WebGpuBenchResult> {
  const gpu = await findGpu(options.gpu);
  const source = options.file ?? options.model ?? lenet300100Sized();
  const model = typeof source === 'object' && 'plan' in source ? source : await loadCompressedModel(source);
  const batches = options.batches ?? [1, 1000];
  const minMs = options.minMs ?? 2000;
  const backend = await createWebGpuBackend({ gpu });
  let measured: Omit<WebGpuBenchResult, 'tfjsWebGpu' | 'tfjsWebGpuSkipped'>;
  try {
    const t0 = performance.now();
    const prepared = await backend.prepare(model);
    const prepareMs = performance.now() - t0;
    try {
      const results: ThroughputResult[] = [];
      for (const batch of batches) results.push(await benchPrepared(prepared, model.inputSize, batch, minMs));
      measured = { backend: 'webgpu', adapter: backend.adapterInfo, model: model.compressed.name, keptWeights: keptWeights(model.compressed), prepareMs, results };
    } finally {
      prepared.dispose();
    }
  } finally {
    backend.dispose();
  }
  if (options.compareTfjs === false) return measured;
  const tfjs = options.tfjs ? { tf: options.tfjs } : await tfjsOnWebGpu(gpu);
  if ('skipped' in tfjs) return { ...measured, tfjsWebGpuSkipped: tfjs.skipped };
  return { ...measured, tfjsWebGpu: await benchAgainstTfjs(tfjs.tf, model, { batches, minMs }) };
}

/** Kept (stored nonzero) weights of a model's kernels. */
export function keptWeights(cm: CompressedModel): number {
  let n = 0;
  for (const [key, t] of cm.tensors) {
    if (!key.endsWith('/kernel')) continue;
    n += t.layout === 'sparse' || t.layout === 'sparse-coded' ? t.positions.length : t.shape.reduce((a, b) => a * b, 1);
  }
  return n;
}

/** A plain-text table of a {@link WebGpuBenchResult}, for `pnpm bench`. */
export function formatWebGpuBench(r: WebGpuBenchResult): string {
  const rows = r.results.map((x) => `| ${String(x.batch).padStart(5)} | ${x.samplesPerSecond.toFixed(0).padStart(10)} | ${x.msPerBatch.toFixed(2).padStart(9)} | ${String(x.runs).padStart(4)} |`);
  const lines = [
    `webgpu on ${r.adapter}: ${r.model} (${r.keptWeights} kept weights), prepare ${r.prepareMs.toFixed(0)} ms`,
    '| batch |  samples/s |  ms/batch | runs |',
    '|------:|-----------:|----------:|-----:|',
    ...rows,
  ];
  if (r.tfjsWebGpuSkipped) lines.push('', `tfjs-backend-webgpu comparison skipped: ${r.tfjsWebGpuSkipped}`);
  if (r.tfjsWebGpu) {
    lines.push('', 'side by side on one device, median ms per batch:', '| batch | webgpu (sparse) | tfjs-backend-webgpu (dense) | speed-up |', '|------:|----------------:|----------------------------:|---------:|');
    for (const x of r.tfjsWebGpu) lines.push(`| ${String(x.batch).padStart(5)} | ${x.webgpuMs.toFixed(2).padStart(15)} | ${x.tfjsWebGpuMs.toFixed(2).padStart(27)} | ${`${x.speedup.toFixed(2)}×`.padStart(8)} |`);
  }
  return lines.join('\n');
}
