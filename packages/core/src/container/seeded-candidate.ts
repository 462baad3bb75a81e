/**
 * The seeded candidate of a clustered tensor (format version 7, docs/format.md §2.10): one code per
 * connected position of its seeded connectivity, in row order, and no `gaps` stream, since every
 * reader regenerates the positions from the seed and keep threshold stored in the header.
 */
import type { Codebook } from '../artifacts.js';
import { connectedPositions, type SeededConnectivity } from '../connectivity.js';
import { allocSymbols, bitsFor } from './bit-pack.js';
import { MAX_CODEBOOK_ENTRIES } from './limits.js';
import { planFloats, planSymbols } from './plan-stream.js';
import type { TensorEncoding } from './plan-tensor.js';
import type { StreamEncoder } from './stream-codec.js';

/**
 * The seeded `sparse-coded` storage of the clustered tensor `key` (`size` elements, codebook `cb`)
 * under `connectivity`, or `undefined` when it cannot hold the tensor: a nonzero element (a
 * position of `cb` whose centroid is not 0) lies outside the connected positions, the tensor has
 * per-channel scales, or the codebook would need a zero entry past its 65536. Connected positions
 * that `cb` does not list (pruned weights) take the codebook's first `+0` entry, appended when it
 * has none; positions of `cb` outside the connectivity whose centroid is 0 decode to 0 as they are.
 */
export function seededCandidate(
  key: string,
  shape: readonly number[],
  cb: Codebook,
  connectivity: SeededConnectivity,
  codebookType: 'f32' | 'f16',
  encoders: readonly StreamEncoder[],
): Omit<TensorEncoding, 'bytes'> | undefined {
  if (cb.scales) return undefined;
  const size = shape.reduce((a, b) => a * b, 1);
  const positions = connectedPositions(connectivity, size);
  // Walk both ascending position lists together: a position of cb is either connected (its code
  // goes there) or outside, allowed only with a 0 centroid; connected positions cb skips are pruned.
  const coded = new Int32Array(positions.length).fill(-1);
  for (let i = 0, j = 0; i < cb.positions.length; i++) {
    while (j < positions.length && positions[j] < cb.positions[i]) j++;
    if (j < positions.length && positions[j] === cb.positions[i]) coded[j++] = cb.codes[i];
    else if (cb.centroids[cb.codes[i]] !== 0) return undefined;
  }
  const pruned = coded.includes(-1);
  let centroids: Float32Array = cb.centroids;
  let zero = pruned ? centroids.findIndex((c) => Object.is(c, 0)) : 0;
  if (zero < 0) {
    if (centroids.length >= MAX_CODEBOOK_ENTRIES) return undefined;
    zero = centroids.length;
    centroids = Float32Array.of(...centroids, 0);
  }
  const bits = bitsFor(centroids.length);
  const codes = allocSymbols(positions.length, bits);
  for (let j = 0; j < positions.length; j++) codes[j] = coded[j] < 0 ? zero : coded[j];
  return {
    key,
    shape,
    layout: 'sparse-coded',
    entries: positions.length,
    connectivity: { seed: connectivity.seed, keep: connectivity.keep },
    streams: [planFloats('codebook', centroids, codebookType), planSymbols('codes', codes, bits, encoders)],
  };
}
