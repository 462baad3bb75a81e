import { decodeContainer, encodeContainer } from '@dc/core';
import { expectDecodedExactly, randomCodedModel, runStreamCoderContract } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { huffmanDecoder } from '../decode/index.js';
import { huffmanCoder, huffmanEncoder } from '../encode/huffman-encode.js';

runStreamCoderContract('huffman', huffmanCoder);

describe('.dcm with Huffman-coded streams', () => {
  it('Huffman-codes a pruned 5-bit layer and beats fixed-width codes', () => {
    const { model, codebooks } = randomCodedModel([{ inputs: 300, units: 100, density: 0.08, bits: 5, bias: true, seed: 1 }]);
    const huff = encodeContainer({ model, codebooks }, { encoders: [huffmanEncoder] });
    const raw = encodeContainer({ model, codebooks });
    expect(huff.tensors[0].streams.map((s) => [s.role, s.encoding])).toEqual([['codebook', 'raw'], ['codes', 'huffman'], ['gaps', 'huffman']]);
    expect(huff.header.decoders).toEqual({ huffman: '@dc/huffman/decode' });
    expect(huff.bytes.length).toBeLessThan(raw.bytes.length * 0.97);
    expect(() => decodeContainer(huff.bytes)).toThrow(/UNKNOWN_ENCODING.*@dc\/huffman\/decode/);
    expectDecodedExactly(model, codebooks, decodeContainer(huff.bytes, { decoders: [huffmanDecoder] }));
  });
});
