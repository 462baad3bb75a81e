/** Small stages for the pipeline's tests: stand-ins for pruning and clustering that keep their artifacts exact. */
import type { Codebook } from '../artifacts.js';
import { mapParams } from '../ir/params.js';
import { defineStage } from '../stage.js';

/** Zeroes the first weight of every kernel and masks it: a stand-in for pruneLowMagnitude. */
export const zeroFirst = defineStage({
  name: 'test:zero-first',
  options: {},
  requires: [],
  provides: ['prune/masks'],
  changes: ['values', 'zeros'],
  async apply({ model }) {
    const masks = new Map<string, Uint8Array>();
    const out = mapParams(model, (ref) => {
      if (ref.param !== 'kernel') return undefined;
      const values = new Float32Array(ref.tensor.values);
      values[0] = 0;
      const mask = new Uint8Array(values.length).fill(1);
      mask[0] = 0;
      masks.set(ref.key, mask);
      return { shape: ref.tensor.shape, values };
    });
    return { model: out, artifacts: { 'prune/masks': masks }, metrics: { zeroed: masks.size } };
  },
});

/** Clusters every kernel to two values (±0.1 by sign), keeping zeros: a stand-in for clusterWeights. */
export const quantizeSigns = defineStage({
  name: 'test:quantize',
  options: {},
  requires: [],
  provides: ['quantize/codebooks'],
  uses: ['prune/masks'],
  changes: ['values'],
  async apply({ model }) {
    const codebooks = new Map<string, Codebook>();
    const out = mapParams(model, (ref) => {
      if (ref.param !== 'kernel') return undefined;
      const positions = Uint32Array.from([...ref.tensor.values.keys()].filter((i) => ref.tensor.values[i] !== 0));
      const codes = Uint8Array.from(positions, (p) => (ref.tensor.values[p] < 0 ? 0 : 1));
      const centroids = Float32Array.of(-0.1, 0.1);
      codebooks.set(ref.key, { bits: 1, centroids, positions, codes });
      const values = new Float32Array(ref.tensor.values.length);
      positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
      return { shape: ref.tensor.shape, values };
    });
    return { model: out, artifacts: { 'quantize/codebooks': codebooks } };
  },
});
