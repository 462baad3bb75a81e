/**
 * Models that take their data as it is: Keras' image tutorials put `Rescaling(1/255)` (or
 * `Rescaling(1/127.5, offset=-1)`, or one scale and offset per colour) first, so the model takes raw
 * pixel values, and a text model's `Embedding` takes token ids. For such a model `dc compress` gives byte data (IDX, photographs,
 * uint8 `.npy`) as the bytes, not byte / 255.
 */
import { inputNameOf, inputsOf, type Model, type Preprocessing } from '@dc/core';
import { isChannelRescaling } from '@dc/core/tfjs';

/** Raw values as they are: what a model that rescales its input takes. */
export const UNSCALED: Preprocessing = { scale: [1], offset: [0] };

/** Why a model takes its data as given: every node that reads its input rescales it or looks it up as token ids; undefined otherwise. */
export type RawInput = 'rescaling' | 'token ids';

/** What every node reading the model input makes of it (see {@link RawInput}), or undefined. */
export function rawInputOf(model: Model): RawInput | undefined {
  const input = inputNameOf(model);
  const readers = model.layers.filter((_l, i) => inputsOf(model, i).includes(input));
  if (readers.length === 0) return undefined;
  if (readers.every((l) => l.config.kind === 'rescale' || isChannelRescaling(l))) return 'rescaling';
  if (readers.every((l) => l.config.kind === 'embedding')) return 'token ids';
  return undefined;
}
