/**
 * A real `.dcm` file for the browser test: a random small convnet from the conformance models,
 * written by `@dc/core`'s container encoder with codebooks for its clustered kernels and Huffman
 * coding of the streams, exactly as the pipeline writes files.
 */
import { encodeContainer, toDenseModel, type Codebook, type CompressedModel } from '@dc/core';
import { huffmanEncoder } from '@dc/huffman';
import { randomModel } from '../../testing/random-model.js';

/** The model and the bytes of its file. */
export interface DcmFixture {
  readonly model: CompressedModel;
  readonly bytes: Uint8Array;
}

/** Encodes a random convnet (seed `seed`) into `.dcm` bytes. */
export function dcmFixture(seed = 2003): DcmFixture {
  const model = randomModel(seed, 'conv');
  const codebooks = new Map<string, Codebook>();
  for (const [key, t] of model.tensors) {
    if (t.layout !== 'sparse-coded') continue;
    codebooks.set(key, { bits: Math.max(1, Math.ceil(Math.log2(t.codebook.length))), centroids: t.codebook, positions: t.positions, codes: t.codes });
  }
  const { bytes } = encodeContainer({ model: toDenseModel(model), codebooks }, { encoders: [huffmanEncoder] });
  return { model, bytes };
}
