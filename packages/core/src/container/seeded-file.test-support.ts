/** A clustered model whose kernel mask is a seeded connectivity: the writer's input for version 7 tests. */
import type { Codebook } from '../artifacts.js';
import { connectedPositions, type SeededConnectivity } from '../connectivity.js';
import type { Model } from '../ir/model.js';

/** What {@link seededModel} returns: a writer's input with connectivity. */
export interface SeededModel {
  readonly model: Model;
  readonly codebooks: Map<string, Codebook>;
  readonly connectivity: Map<string, SeededConnectivity>;
  /** The connectivity of `fc1/kernel`. */
  readonly c: SeededConnectivity;
}

/**
 * A dense `inputs`→`units` layer and a 10-unit head. `fc1/kernel` is connected at seed 12345 with
 * density 0.1 and clustered to 4 levels (-0.5, -0.125, 0.25, 0.75); every 5th connected weight is
 * pruned (0, absent from its codebook). `fc1/bias`, `fc2/*` are dense floats (no repeated values).
 */
export function seededModel(inputs = 120, units = 40): SeededModel {
  const c = { seed: 12345, keep: Math.round(0.1 * 2 ** 32) };
  const size = inputs * units;
  const connected = connectedPositions(c, size);
  const centroids = Float32Array.of(-0.5, -0.125, 0.25, 0.75);
  const kept = Array.from(connected).filter((_, j) => j % 5 !== 4);
  const codes = Uint8Array.from(kept, (_, j) => (j * 7) % 4);
  const values = new Float32Array(size);
  kept.forEach((p, j) => (values[p] = centroids[codes[j]]));
  const model: Model = {
    name: 'seeded',
    inputShape: [inputs],
    layers: [
      { name: 'fc1', config: { kind: 'dense', units, activation: 'relu', useBias: true }, params: { kernel: { shape: [inputs, units], values }, bias: { shape: [units], values: new Float32Array(units).fill(0.5) } } },
      { name: 'fc2', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true }, params: { kernel: { shape: [units, 10], values: Float32Array.from({ length: units * 10 }, (_, i) => Math.sin(i + 1) / 4) }, bias: { shape: [10], values: new Float32Array(10).fill(-0.25) } } },
    ],
  };
  const cb: Codebook = { bits: 2, centroids, positions: Uint32Array.from(kept), codes };
  return { model, codebooks: new Map([['fc1/kernel', cb]]), connectivity: new Map([['fc1/kernel', c]]), c };
}
