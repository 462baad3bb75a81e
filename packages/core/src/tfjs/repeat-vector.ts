/**
 * tfjs's `RepeatVector(n)` turns a vector `[f]` into `n` copies of it, `[n, f]`: the bridge of a
 * sequence-to-sequence autoencoder from its encoder's last state to its decoder. The IR needs no op
 * of its own for it: the vector becomes a one-pixel image `[1, 1, f]` (`<layer>_2d`), a nearest
 * `upSampling2d` by `[n, 1]` repeats that pixel down `n` rows (`<layer>`), and a reshape makes the
 * rows the steps (`<layer>_nd`): two views and one copy in every backend.
 */
import type { Layer, UpSampling2dConfig } from '../ir/model.js';

/** The nodes of `RepeatVector` layer `name` (its `upSampling2d` config from `convertConfig`) on a vector of `features` values. */
export function repeatVectorNodes(name: string, inputs: string[], up: UpSampling2dConfig, features: number): Layer[] {
  return [
    { name: `${name}_2d`, config: { kind: 'reshape', targetShape: [1, 1, features] }, inputs, params: {} },
    { name, config: up, inputs: [`${name}_2d`], params: {} },
    { name: `${name}_nd`, config: { kind: 'reshape', targetShape: [up.size[0], features] }, inputs: [name], params: {} },
  ];
}
