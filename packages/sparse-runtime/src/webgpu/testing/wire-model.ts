/**
 * A {@link CompressedModel} in a form that crosses `page.evaluate` (Playwright serialises typed
 * arrays and plain objects, not Maps): the tensor map becomes a list of entries.
 */
import type { CompressedModel, CompressedTensor } from '@dc/core';

/** A compressed model with its tensors as `[key, tensor]` pairs. */
export type WireModel = Omit<CompressedModel, 'tensors'> & { readonly tensors: ReadonlyArray<readonly [string, CompressedTensor]> };

/** The wire form of `cm`. */
export function toWire(cm: CompressedModel): WireModel {
  return { ...cm, tensors: [...cm.tensors.entries()] };
}

/** The model a wire form stands for. */
export function fromWire(w: WireModel): CompressedModel {
  return { ...w, tensors: new Map(w.tensors) };
}
