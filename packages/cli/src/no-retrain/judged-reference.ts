/**
 * The original model's outputs that a compressed file is judged against: on photographs read with
 * their jittered copies, each output's entries the original itself changes beyond the budget under
 * one grey level of jitter are marked and not judged (`@dc/allocate`'s `markUnstable`).
 */
import { markUnstable, type FidelityBudget, type OutputBatch, type OutputKind } from '@dc/allocate';
import type { InputFeeds } from './input-feeds.js';
import type { Target } from './targets.js';

/** `reference` (the outputs of `target` on `data.batches`), marked where `data` holds jittered batches. */
export async function judgedReference(target: Target, data: InputFeeds, reference: (readonly OutputBatch[])[], kinds: readonly OutputKind[], budget: FidelityBudget): Promise<(readonly OutputBatch[])[]> {
  return data.jittered ? markUnstable(reference, await target.outputs(data.jittered), kinds, budget) : reference;
}
