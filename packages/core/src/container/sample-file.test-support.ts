/** A small valid file and a re-framer for the container's bad-input tests. */
import type { Codebook } from '../artifacts.js';
import type { Model } from '../ir/model.js';
import { encodeContainer, type EncodeContainerOptions } from './encode.js';
import { frame, layoutSections } from './framing.js';
import type { ContainerHeader } from './header.js';

/** A file and the pieces it was made of. */
export interface SampleFile {
  readonly bytes: Uint8Array;
  readonly header: ContainerHeader;
  /** The stored sections, in file order. */
  readonly sections: Uint8Array[];
}

/**
 * A small pruned, clustered three-layer model and its file (raw streams unless `options` say
 * otherwise): `fc1/kernel` sparse-coded (2-bit codes, 3-bit gaps), `fc1/bias` and `fc3/bias`
 * dense float32 of 16 values each, `fc2/kernel` and `fc3/kernel` dense.
 */
export function sampleFile(options: EncodeContainerOptions = {}): SampleFile {
  const values = new Float32Array(64 * 16);
  const positions: number[] = [];
  for (let i = 0; i < values.length; i += 7) positions.push(i);
  const centroids = Float32Array.of(-0.5, -0.25, 0.125, 0.75);
  const codes = Uint8Array.from(positions, (_, i) => (i * 5) % 4);
  positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
  const cb: Codebook = { bits: 2, centroids, positions: Uint32Array.from(positions), codes };
  const model: Model = {
    name: 'sample',
    inputShape: [64],
    layers: [
      { name: 'fc1', config: { kind: 'dense', units: 16, activation: 'relu', useBias: true }, params: { kernel: { shape: [64, 16], values }, bias: { shape: [16], values: new Float32Array(16).fill(0.5) } } },
      { name: 'fc2', config: { kind: 'dense', units: 4, activation: 'relu', useBias: false }, params: { kernel: { shape: [16, 4], values: Float32Array.from({ length: 64 }, (_, i) => i / 64) } } },
      { name: 'fc3', config: { kind: 'dense', units: 16, activation: 'softmax', useBias: true }, params: { kernel: { shape: [4, 16], values: Float32Array.from({ length: 64 }, (_, i) => -i / 64) }, bias: { shape: [16], values: new Float32Array(16).fill(-0.25) } } },
    ],
  };
  const enc = encodeContainer({ model, codebooks: new Map([['fc1/kernel', cb]]), stages: [{ name: 'dc:test', options: {} }] }, { gapBits: 3, ...options });
  return { bytes: enc.bytes, header: enc.header, sections: enc.tensors.flatMap((t) => t.streams.map((s) => s.data)) };
}

/** Re-frames a (modified) header with valid checksums, so only the semantic checks can catch it. */
export function reframe(header: unknown, sections: readonly Uint8Array[], version?: number): Uint8Array {
  const { offsets, length } = layoutSections(sections.map((s) => s.length));
  return frame(JSON.stringify(header), sections, offsets, length, version);
}
