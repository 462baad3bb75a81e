/**
 * What to give a writer to store a decoded file's model again: the dense model, its codebooks and
 * masks, and the provenance. Re-encoding a file with the options it was written with gives the
 * same bytes; with other coders or options, the same model in another form (`dc recode`).
 */
import type { Codebook } from '../artifacts.js';
import { toDenseModel, type CompressedModel, type CompressedTensor } from '../compressed.js';
import { bitsFor } from './bit-pack.js';
import type { ContainerInput } from './encode.js';

/** The codebook of a coded tensor: the kept positions and their codes (pruned elements excluded). */
function codebookOf(t: CompressedTensor): Codebook | undefined {
  if (t.layout === 'sparse-coded') return { bits: bitsFor(t.codebook.length), centroids: t.codebook, positions: t.positions, codes: t.codes };
  if (t.layout !== 'dense-coded') return undefined;
  // A writer stores a pruned dense-coded tensor with one extra, last centroid 0 for the pruned
  // elements (docs/format.md); a tensor without pruned elements has no such entry.
  const k = t.codebook.length;
  const pruned = k > 1 && t.codebook[k - 1] === 0 && t.codes.includes(k - 1);
  const kept: number[] = [];
  for (let i = 0; i < t.codes.length; i++) if (!pruned || t.codes[i] !== k - 1) kept.push(i);
  const positions = Uint32Array.from(kept);
  const codes = t.codes instanceof Uint8Array ? Uint8Array.from(kept, (i) => t.codes[i]) : Uint16Array.from(kept, (i) => t.codes[i]);
  const centroids = pruned ? t.codebook.slice(0, k - 1) : t.codebook;
  return { bits: bitsFor(centroids.length), centroids, positions, codes };
}

/**
 * The writer input that stands for `decoded`: its dense model, a codebook per coded tensor, a mask
 * per sparse float tensor (its stored positions), the seeded connectivities of a version 7 file
 * (else none) and its provenance.
 */
export function containerInputOf(decoded: CompressedModel): Required<ContainerInput> {
  const codebooks = new Map<string, Codebook>();
  const masks = new Map<string, Uint8Array>();
  for (const [key, t] of decoded.tensors) {
    const cb = codebookOf(t);
    if (cb) codebooks.set(key, cb);
    if (t.layout === 'sparse') {
      const mask = new Uint8Array(t.shape.reduce((a, b) => a * b, 1));
      for (const p of t.positions) mask[p] = 1;
      masks.set(key, mask);
    }
  }
  return { model: toDenseModel(decoded), codebooks, masks, connectivity: decoded.connectivity ?? new Map(), stages: decoded.stages };
}
