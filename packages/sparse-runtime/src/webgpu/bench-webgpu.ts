/**
 * `runWebGpuBench()`: throughput of the WebGPU backend (samples/s) for a LeNet-300-100-sized
 * compressed model at batch 1 and 1,000, for `scripts/bench.mjs`. In Node it runs on Dawn (the
 * `webgpu` package) with SwiftShader unless a `GPU` is passed or `navigator.gpu` exists.
 */
import './webgpu-types.js';
import { createRandom, DcError, type CompressedModel, type CompressedTensor, type LayerTopology } from '@dc/core';
import { loadCompressedModel } from '../model/load.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { randomKernel, randomMlp } from '../testing/random-model.js';
import { benchPrepared, type ThroughputResult } from './bench-loop.js';
import { createWebGpuBackend } from './create-webgpu-backend.js';
import { nodeGpu } from './node-gpu.js';

/** Options of {@link runWebGpuBench}. */
export interface WebGpuBenchOptions {
  /** The model; default a random LeNet-300-100 (784-300-100-10, 8% of weights kept, 6-bit codes). */
  readonly model?: CompressedModel | LoadedModel;
  /** Batch sizes; default `[1, 1000]`. */
  readonly batches?: readonly number[];
  /** Minimum measuring time per batch size in milliseconds (default 2000). */
  readonly minMs?: number;
  /** The `GPU` to use; default `navigator.gpu`, else Dawn from the `webgpu` package. */
  readonly gpu?: GPU;
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
  readonly results: readonly ThroughputResult[];
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

/** Measures the WebGPU backend's throughput on `options.model` at each batch size. */
export async function runWebGpuBench(options: WebGpuBenchOptions = {}): Promise<WebGpuBenchResult> {
  const backend = await createWebGpuBackend({ gpu: await findGpu(options.gpu) });
  try {
    const source = options.model ?? lenet300100Sized();
    const model = 'plan' in source ? source : await loadCompressedModel(source);
    const t0 = performance.now();
    const prepared = await backend.prepare(model);
    const prepareMs = performance.now() - t0;
    try {
      const results: ThroughputResult[] = [];
      for (const batch of options.batches ?? [1, 1000]) results.push(await benchPrepared(prepared, model.inputSize, batch, options.minMs ?? 2000));
      let keptWeights = 0;
      for (const step of model.plan.steps) if (step.params.kernel) keptWeights += kept(step.params.kernel);
      return { backend: 'webgpu', adapter: backend.adapterInfo, model: model.compressed.name, keptWeights, prepareMs, results };
    } finally {
      prepared.dispose();
    }
  } finally {
    backend.dispose();
  }
}

function kept(t: CompressedModel['tensors'] extends ReadonlyMap<string, infer T> ? T : never): number {
  return t.layout === 'sparse' || t.layout === 'sparse-coded' ? t.positions.length : t.shape.reduce((a, b) => a * b, 1);
}

/** A plain-text table of a {@link WebGpuBenchResult}, for `pnpm bench`. */
export function formatWebGpuBench(r: WebGpuBenchResult): string {
  const rows = r.results.map((x) => `| ${String(x.batch).padStart(5)} | ${x.samplesPerSecond.toFixed(0).padStart(10)} | ${x.msPerBatch.toFixed(2).padStart(9)} | ${String(x.runs).padStart(4)} |`);
  return [
    `webgpu on ${r.adapter}: ${r.model} (${r.keptWeights} kept weights), prepare ${r.prepareMs.toFixed(0)} ms`,
    '| batch |  samples/s |  ms/batch | runs |',
    '|------:|-----------:|----------:|-----:|',
    ...rows,
  ].join('\n');
}
