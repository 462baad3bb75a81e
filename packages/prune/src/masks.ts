/**
 * Masks applied to IR models: zeroing pruned weights, checking that they stayed zero, and one
 * pruning round over the selected tensors.
 */
import { DcError, listParams, mapParams } from '@dc/core';
import type { Model, PruneMasks } from '@dc/core';
import { applyMask, pruneByThreshold, pruneGlobal, pruneToSparsity, stdThreshold } from './magnitude.js';
import { STAGE_NAME, type TargetKind } from './options.js';
import type { Selected } from './select.js';

/** A new model whose masked weights are exactly `+0`; tensors without a mask are shared. */
export function applyMasks(model: Model, masks: PruneMasks): Model {
  return mapParams(model, (ref) => {
    const mask = masks.get(ref.key);
    if (!mask) return undefined;
    if (mask.length !== ref.tensor.values.length) {
      throw new DcError('INVALID_MODEL', `mask of ${ref.key} has ${mask.length} entries, the tensor ${ref.tensor.values.length}`, { stage: STAGE_NAME, tensor: ref.key });
    }
    return { shape: [...ref.tensor.shape], values: applyMask(ref.tensor.values, mask) };
  });
}

/** How many masked-out weights of `model` are not exactly `+0` (should be 0 after retraining with the hooks). */
export function countMaskViolations(model: Model, masks: PruneMasks): number {
  let n = 0;
  mapParams(model, (ref) => {
    const mask = masks.get(ref.key);
    if (mask) for (let i = 0; i < mask.length; i++) if (mask[i] === 0 && !Object.is(ref.tensor.values[i], 0)) n++;
    return undefined;
  });
  return n;
}

/** The new masks and thresholds of one round. */
export interface RoundMasks {
  readonly masks: Map<string, Uint8Array>;
  readonly thresholds: Map<string, number>;
  /** The target each tensor was pruned to this round. */
  readonly targets: Map<string, number>;
}

/**
 * Prunes the selected tensors of `model` once, on top of `masks`. `targetOf` gives a tensor's
 * target this round (from the schedule).
 */
export function pruneRound(
  model: Model,
  selected: readonly Selected[],
  masks: PruneMasks,
  kind: TargetKind,
  targetOf: (s: Selected) => number,
): RoundMasks {
  const current = new Map(listParams(model).map((ref) => [ref.key, ref.tensor]));
  const inputs = selected.map((s) => ({ values: current.get(s.ref.key)!.values, mask: masks.get(s.ref.key) }));
  const targets = new Map(selected.map((s) => [s.ref.key, targetOf(s)]));
  let results;
  if (kind === 'globalSparsity') {
    results = pruneGlobal(inputs, targets.get(selected[0]?.ref.key) ?? 0);
  } else if (kind === 'sparsity') {
    results = inputs.map((input, i) => pruneToSparsity(input, targets.get(selected[i].ref.key)!));
  } else {
    results = inputs.map((input, i) => pruneByThreshold(input, stdThreshold(input, targets.get(selected[i].ref.key)!)));
  }
  return {
    masks: new Map(selected.map((s, i) => [s.ref.key, results[i].mask])),
    thresholds: new Map(selected.map((s, i) => [s.ref.key, results[i].threshold])),
    targets,
  };
}
