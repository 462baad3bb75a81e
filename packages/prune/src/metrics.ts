/**
 * The metrics a prune stage reports: per tensor its size, kept share and threshold; totals; and one
 * entry per round.
 */
import { listParams } from '@dc/core';
import type { Model, PruneMasks } from '@dc/core';
import { countKept } from './magnitude.js';

/** One pruned tensor in the report. */
export type LayerMetrics = {
  /** Parameter key, `<layer>/<param>`. */
  readonly key: string;
  readonly weights: number;
  readonly kept: number;
  /** `100 × kept / weights`. */
  readonly keptPercent: number;
  /** Magnitude threshold of the last round that pruned this tensor; null when this stage did not prune it. */
  readonly threshold: number | null;
};

/** One prune → retrain round in the report. */
export type RoundMetrics = {
  readonly round: number;
  /** Kept share of the masked tensors after this round, in percent. */
  readonly keptPercent: number;
  /** Target (quality or sparsity) per parameter key this round. */
  readonly targets: { readonly [key: string]: number };
  /** Epochs retrained this round. */
  readonly epochs: number;
  /** Pruned weights the trainer left non-zero (re-zeroed afterwards; 0 when the hooks work). */
  readonly maskViolations: number;
  /** Held-out accuracy after this round, when a trainer evaluated it. */
  readonly accuracy?: number;
  readonly loss?: number;
  readonly seconds: number;
};

/** Totals over the masked tensors and over the whole model. */
export type TotalMetrics = {
  /** Per masked tensor. */
  readonly layers: LayerMetrics[];
  readonly weights: number;
  readonly kept: number;
  /** Kept share of the masked tensors, in percent (the paper's "weights %"). */
  readonly keptPercent: number;
  /** Kept share of every parameter of the model (unmasked ones count as kept), in percent. */
  readonly modelKeptPercent: number;
};

/** Per-tensor and total kept figures of `model` under `masks`. */
export function measure(model: Model, masks: PruneMasks, thresholds: ReadonlyMap<string, number>): TotalMetrics {
  const layers: LayerMetrics[] = [];
  let all = 0;
  let allKept = 0;
  for (const ref of listParams(model)) {
    const n = ref.tensor.values.length;
    const mask = masks.get(ref.key);
    const kept = countKept(n, mask);
    all += n;
    allKept += kept;
    if (mask) layers.push({ key: ref.key, weights: n, kept, keptPercent: percent(kept, n), threshold: thresholds.get(ref.key) ?? null });
  }
  const weights = layers.reduce((a, l) => a + l.weights, 0);
  const kept = layers.reduce((a, l) => a + l.kept, 0);
  return { layers, weights, kept, keptPercent: percent(kept, weights), modelKeptPercent: percent(allKept, all) };
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 100 : (100 * part) / whole;
}
