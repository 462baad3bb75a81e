/**
 * Models that scale their own input: Keras' image tutorials put `Rescaling(1/255)` (or
 * `Rescaling(1/127.5, offset=-1)`) first, so the model takes raw pixel values. For such a model
 * `dc compress` gives byte data (IDX, photographs, uint8 `.npy`) as the bytes, not byte / 255.
 */
import { inputNameOf, inputsOf, type Model, type Preprocessing } from '@dc/core';

/** Raw values as they are: what a model that rescales its input takes. */
export const UNSCALED: Preprocessing = { scale: [1], offset: [0] };

/** Whether every node that reads the model input is a `rescale` node (a `Rescaling` layer). */
export function rescalesItsInput(model: Model): boolean {
  const input = inputNameOf(model);
  const readers = model.layers.filter((_l, i) => inputsOf(model, i).includes(input));
  return readers.length > 0 && readers.every((l) => l.config.kind === 'rescale');
}
