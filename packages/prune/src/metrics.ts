/**
 * The metrics a prune stage reports: one row per masked tensor (core's `TensorMetricRow` plus the
 * threshold), totals, and one entry per round.
 */
import { listParams, tensorMetricRow, tensorTotals } from '@dc/core';
import type { Model, PruneMasks, TensorMetricRow, TensorTotals } from '@dc/core';
import { countKept } from './magnitude.js';

/** One pruned tensor in the report: `tensor`, `params`, `kept` (a count), `keptFraction`, and the threshold. */
export type LayerMetrics = TensorMetricRow & {
  /** Magnitude threshold of the last round that pruned this tensor; null when this stage did not prune it. */
  readonly threshold: number | null;
};

/** One prune → retrain round in the report. */
export type RoundMetrics = {
  readonly round: number;
  /** Kept share of the masked tensors after this round, in [0, 1]. */
  readonly keptFraction: number;
  /** Target (quality or sparsity) per parameter key this round. */
  readonly targets: { readonly [key: string]: number };
  /** Epochs retrained this round. */
  readonly epochs: number;
  /** Pruned weights the trainer left non-zero (re-zeroed afterwards; 0 when the hooks work). */
  readonly maskViolations: number;
  /** With splicing: weights pruned at the start of the round and kept at its end (they came back). */
  readonly revived?: number;
  /** Held-out accuracy after this round, when a trainer evaluated it. */
  readonly accuracy?: number;
  readonly loss?: number;
  readonly seconds: number;
};

/** The per-tensor rows and totals of a prune stage's metrics. */
export type TotalMetrics = {
  /** Per masked tensor. */
  readonly layers: LayerMetrics[];
  /** Over the masked tensors: `keptFraction` is the paper's "weights %". */
  readonly total: TensorTotals;
  /** Kept share of every parameter of the model (unmasked ones count as kept), in [0, 1]. */
  readonly modelKeptFraction: number;
};

/** Per-tensor and total kept figures of `model` under `masks`. */
export function measure(model: Model, masks: PruneMasks, thresholds: ReadonlyMap<string, number>): TotalMetrics {
  const layers: LayerMetrics[] = [];
  const all: { params: number; kept: number }[] = [];
  for (const ref of listParams(model)) {
    const n = ref.tensor.values.length;
    const mask = masks.get(ref.key);
    const kept = countKept(n, mask);
    all.push({ params: n, kept });
    if (mask) layers.push({ ...tensorMetricRow(ref.key, n, kept), threshold: thresholds.get(ref.key) ?? null });
  }
  return { layers, total: tensorTotals(layers), modelKeptFraction: tensorTotals(all).keptFraction };
}
