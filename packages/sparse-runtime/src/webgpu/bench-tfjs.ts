/**
 * This backend against `@tensorflow/tfjs-backend-webgpu` running the dense reconstruction of the
 * same model (core's `toLayersModel`), on one `GPUDevice` (tfjs's), interleaved run by run, each
 * keeping its median. Both times include the upload of the batch and the read-back of the
 * result. Shared by the Node benchmark and the headless-Chromium page.
 */
import './webgpu-types.js';
import { toDenseModel } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import type * as tfTypes from '@tensorflow/tfjs';
import type { LoadedModel } from '../model/loaded-model.js';
import { timeInterleaved } from '../bench/timing.js';
import { maxRelativeError } from '../testing/reference.js';
import { createWebGpuBackend } from './create-webgpu-backend.js';

/** One batch size measured side by side. */
export interface TfjsComparisonRow {
  readonly batch: number;
  /** Median ms per batch of this backend (sparse-coded kernels). */
  readonly webgpuMs: number;
  /** Median ms per batch of tfjs-backend-webgpu on the dense reconstruction. */
  readonly tfjsWebGpuMs: number;
  /** `tfjsWebGpuMs / webgpuMs`. */
  readonly speedup: number;
  /** Largest per-sample relative difference of the two outputs (a check that both computed the same). */
  readonly maxRelativeError: number;
}

/** Options of {@link benchAgainstTfjs}. */
export interface TfjsComparisonOptions {
  readonly batches: readonly number[];
  /** Minimum measuring time per batch size (ms). */
  readonly minMs: number;
  /** Inputs to draw batches from (`n × inputSize`); default uniform random. */
  readonly inputs?: Float32Array;
}

function batchOf(model: LoadedModel, batch: number, inputs: Float32Array | undefined): Float32Array {
  const n = batch * model.inputSize;
  if (inputs && inputs.length >= n) return inputs.slice(0, n);
  let s = 12345;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24);
}

/**
 * Measures `model` on this backend and on tfjs-backend-webgpu, on tfjs's device. `tf` must have
 * the `webgpu` backend registered (import `@tensorflow/tfjs-backend-webgpu` after `navigator.gpu`
 * exists); the active tfjs backend is restored afterwards.
 */
export async function benchAgainstTfjs(tf: typeof tfTypes, model: LoadedModel, o: TfjsComparisonOptions): Promise<TfjsComparisonRow[]> {
  const previous = tf.getBackend();
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs-backend-webgpu did not initialise');
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const backend = await createWebGpuBackend({ device });
  const prepared = await backend.prepare(model);
  const dense = toLayersModel(toDenseModel(model.compressed), tf);
  try {
    const rows: TfjsComparisonRow[] = [];
    for (const batch of o.batches) {
      const x = batchOf(model, batch, o.inputs);
      const runDense = async () => {
        const y = tf.tidy(() => dense.predict(tf.tensor(x, [batch, ...model.inputShape])) as tfTypes.Tensor);
        try {
          return (await y.data()) as Float32Array;
        } finally {
          y.dispose();
        }
      };
      const error = maxRelativeError(await prepared.run(x, batch), await runDense(), batch);
      const [webgpuMs, tfjsWebGpuMs] = await timeInterleaved([() => prepared.run(x, batch), runDense], { warmup: 2, minRuns: 3, minTimeMs: o.minMs });
      rows.push({ batch, webgpuMs, tfjsWebGpuMs, speedup: tfjsWebGpuMs / webgpuMs, maxRelativeError: error });
    }
    return rows;
  } finally {
    dense.dispose();
    prepared.dispose();
    backend.dispose();
    if (previous && previous !== 'webgpu') await tf.setBackend(previous);
  }
}
