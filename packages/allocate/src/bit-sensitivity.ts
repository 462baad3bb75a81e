/**
 * Sensitivity to weight sharing: cluster one layer's kernel at a time to `b` bits (linear init,
 * Lloyd to convergence, no fine-tuning) and measure held-out accuracy; the bits counterpart of
 * `@dc/prune`'s `analyzeSensitivity`.
 */
import { createRandom, DcError, mapParams, WEIGHT_PARAMS } from '@dc/core';
import type { Model, ProgressEvent } from '@dc/core';
import { clusterTensor } from '@dc/quantize';

/** Options of {@link analyzeBitSensitivity}. */
export interface BitSensitivityOptions {
  /** Bits per code to try (1 to 8). */
  readonly bits: readonly number[];
  /** Layers whose kernels are clustered, one at a time. */
  readonly layers: readonly string[];
  /** Held-out accuracy in [0, 1]. */
  readonly evaluate: (model: Model) => number | Promise<number>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** Layer × bits → accuracy. */
export interface BitSensitivityTable {
  /** Bits, descending (mildest first). */
  readonly bits: number[];
  readonly baseline: number;
  readonly rows: { readonly layer: string; readonly accuracy: number[] }[];
}

/** Clusters each layer's kernel alone at each bit width and evaluates the model. */
export async function analyzeBitSensitivity(model: Model, options: BitSensitivityOptions): Promise<BitSensitivityTable> {
  const bits = [...new Set(options.bits)].sort((a, b) => b - a);
  const baseline = await options.evaluate(model);
  const rows: BitSensitivityTable['rows'] = [];
  const total = options.layers.length * bits.length;
  for (const [li, layer] of options.layers.entries()) {
    const accuracy: number[] = [];
    for (const [bi, b] of bits.entries()) {
      if (options.signal?.aborted) throw new DcError('ABORTED', 'bit sensitivity analysis aborted', { cause: options.signal.reason });
      const clustered = mapParams(model, (ref) => {
        if (ref.layer.name !== layer || !WEIGHT_PARAMS.includes(ref.param)) return undefined;
        const out = clusterTensor(ref.tensor.values, undefined, { bits: b, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 300 }, createRandom(1));
        return { shape: [...ref.tensor.shape], values: out.values };
      });
      accuracy.push(await options.evaluate(clustered));
      options.onProgress?.({ label: `bit sensitivity ${layer} @ ${b} bits`, current: li * bits.length + bi + 1, total });
    }
    rows.push({ layer, accuracy });
  }
  return { bits, baseline, rows };
}
