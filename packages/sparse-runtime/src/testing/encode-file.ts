/**
 * Writes a {@link CompressedModel} as real `.dcm` bytes (container + Huffman), so tests and the
 * benchmark load through the same path as users: file → decode → plan → session.
 */
import { encodeContainer, toDenseModel, type Codebook, type CompressedModel } from '@dc/core';
import { huffmanEncoder } from '@dc/huffman';

/** The bytes of a `.dcm` file holding `cm` (sparse-coded tensors keep their codebooks). */
export function encodeModelFile(cm: CompressedModel): Uint8Array {
  const codebooks = new Map<string, Codebook>();
  for (const [key, t] of cm.tensors) {
    if (t.layout !== 'sparse-coded') continue;
    codebooks.set(key, { bits: Math.max(1, Math.ceil(Math.log2(t.codebook.length))), centroids: t.codebook, positions: t.positions, codes: t.codes });
  }
  return encodeContainer({ model: toDenseModel(cm), codebooks, stages: cm.stages }, { encoders: [huffmanEncoder] }).bytes;
}
