import { expect } from 'vitest';
import type { Codebook } from '../artifacts.js';
import { densify, type CompressedModel } from '../compressed.js';
import type { Layer, Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';
import { createRandom } from '../random.js';

/** How one random dense layer of {@link randomCodedModel} is made. */
export interface RandomLayerSpec {
  /** Inputs of the first layer (the model's input size); later layers read the previous one's units. */
  readonly inputs: number;
  readonly units: number;
  /** Fraction of the kernel kept (0: all pruned, 1: none). */
  readonly density: number;
  /** Codebook bits of the kernel (1..16), or 0 for an unclustered float kernel. */
  readonly bits: number;
  readonly bias: boolean;
  readonly seed: number;
}

/**
 * A random chain of dense layers (each reads the previous one) whose clustered kernels agree with
 * their codebooks (codes drawn with a Gaussian-like spread, as clustered weights are), for writer
 * and coder tests.
 */
export function randomCodedModel(specs: readonly RandomLayerSpec[]): { model: Model; codebooks: Map<string, Codebook> } {
  const codebooks = new Map<string, Codebook>();
  const layers: Layer[] = specs.map((s, li) => {
    const r = createRandom(s.seed);
    const inputs = li === 0 ? s.inputs : specs[li - 1].units; // a chain: each layer reads the previous one
    const n = inputs * s.units;
    const values = new Float32Array(n);
    const positions = Uint32Array.from(Array.from({ length: n }, (_, i) => i).filter(() => r.next() < s.density));
    if (s.bits > 0) {
      const k = 1 + r.int(2 ** s.bits);
      const centroids = Float32Array.from({ length: k }, (_, i) => (i + 1) / (k + 1) - 0.5);
      const drawn = Array.from(positions, () => Math.min(k - 1, Math.floor(((r.next() + r.next() + r.next()) / 3) * k)));
      const codes = s.bits <= 8 ? Uint8Array.from(drawn) : Uint16Array.from(drawn);
      positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
      codebooks.set(`l${li}/kernel`, { bits: s.bits, centroids, positions, codes });
    } else {
      positions.forEach((p) => (values[p] = Math.fround(r.next() + 0.01)));
    }
    const bias = s.bias ? { bias: { shape: [s.units], values: Float32Array.from({ length: s.units }, () => Math.fround(r.next())) } } : {};
    return { name: `l${li}`, config: { kind: 'dense', units: s.units, activation: 'relu', useBias: s.bias }, params: { kernel: { shape: [inputs, s.units], values }, ...bias } };
  });
  return { model: { name: 'm', inputShape: [specs[0]?.inputs ?? 1], layers }, codebooks };
}

const u32 = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/**
 * Asserts (vitest) that `decoded` holds exactly `model`'s values (float bits) and, for clustered
 * tensors, exactly their codebooks' positions, codes and centroids, whatever the layout.
 */
export function expectDecodedExactly(model: Model, codebooks: ReadonlyMap<string, Codebook>, decoded: CompressedModel): void {
  for (const ref of listParams(model)) {
    const t = decoded.tensors.get(ref.key)!;
    expect(u32(densify(t))).toEqual(u32(ref.tensor.values));
    const cb = codebooks.get(ref.key);
    if (!cb) continue;
    const k = cb.centroids.length;
    if (t.layout === 'sparse-coded') {
      expect([...t.positions]).toEqual([...cb.positions]);
      expect([...t.codes]).toEqual([...cb.codes]);
      expect(u32(t.codebook)).toEqual(u32(cb.centroids));
    } else if (t.layout === 'dense-coded') {
      expect([...t.codes].flatMap((c, i) => (c < k ? [i] : []))).toEqual([...cb.positions]);
      expect([...t.codes].filter((c) => c < k)).toEqual([...cb.codes]);
      expect(u32(t.codebook.slice(0, k))).toEqual(u32(cb.centroids));
    } else {
      throw new Error(`clustered tensor ${ref.key} stored as ${t.layout}`);
    }
  }
}
