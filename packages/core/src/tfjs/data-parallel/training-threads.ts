import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../../errors/dc-error.js';
import type { Model } from '../../ir/model.js';
import { validateModel } from '../../ops/validate-model.js';

/**
 * Least `batch size × weight reuse` for which `'auto'` trains on every core. A data-parallel step
 * exchanges every weight's gradient once, and computes `batch × reuse` multiply-adds per weight.
 * At batch 128 on two cores (wasm): LeNet-300-100 (dense layers, reuse 1: 128) trains 0.6× as
 * fast on two threads as on one, the seed convnet (a 3136→1024 dense layer after two strided
 * convolutions, reuse 1.8: 230) 1.1-1.4× as fast, LeNet-5 (reuse 5.4: 685) 1.6× as fast.
 */
export const AUTO_THREADS_MIN_WORK = 170;

/**
 * How many times a sample uses each parameter, on average over the parameters: a dense layer's
 * weights once, a convolution's once per output position (its output's elements over its channels).
 */
export function weightReuse(model: Model): number {
  let params = 0;
  let uses = 0;
  for (const node of validateModel(model).nodes) {
    const out = node.outputShape;
    const positions = out.length === 0 ? 1 : out.reduce((a, b) => a * b, 1) / out[out.length - 1];
    for (const shape of Object.values(node.params)) {
      const size = shape!.reduce((a, b) => a * b, 1);
      params += size;
      uses += size * positions;
    }
  }
  return params === 0 ? 1 : uses / params;
}

/**
 * The threads a training step can use: `requested` where data-parallel workers work — Node,
 * `SharedArrayBuffer`, the `wasm` or `cpu` tfjs backend — else 1. `'auto'`: the CPU cores where
 * `work` (the model and batch size) gives each weight at least {@link AUTO_THREADS_MIN_WORK}
 * multiply-adds per step, else 1 (without `work`: the cores). Throws `INVALID_OPTION` for anything
 * but a positive integer or `'auto'`.
 */
export async function trainingThreads(tfjs: typeof tf, requested: number | 'auto', work?: { readonly model: Model; readonly batchSize: number }): Promise<number> {
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    throw new DcError('INVALID_OPTION', `option "threads": expected a positive integer or 'auto', got ${String(requested)}`, { option: 'threads' });
  }
  if (requested === 1) return 1;
  const node = typeof process !== 'undefined' && !!process.versions?.node;
  if (!node || typeof SharedArrayBuffer === 'undefined' || !['wasm', 'cpu'].includes(tfjs.getBackend())) return 1;
  if (requested !== 'auto') return requested;
  if (work && work.batchSize * weightReuse(work.model) < AUTO_THREADS_MIN_WORK) return 1;
  const os = await import('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}
