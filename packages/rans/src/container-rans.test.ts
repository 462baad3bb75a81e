import { decodeContainer, encodeContainer } from '@dc/core';
import { expectDecodedExactly, randomCodedModel, runStreamCoderContract } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { ransDecoder } from './decode/index.js';
import { ransCoder } from './encode/rans-encode.js';

runStreamCoderContract('rans', ransCoder);

describe('.dcm with rANS-coded streams', () => {
  it('codes a pruned 5-bit layer below fixed-width codes, and names its decoder', () => {
    const { model, codebooks } = randomCodedModel([{ inputs: 300, units: 100, density: 0.08, bits: 5, bias: true, seed: 1 }]);
    const coded = encodeContainer({ model, codebooks }, { encoders: [ransCoder], layout: 'sparse' });
    const raw = encodeContainer({ model, codebooks }, { layout: 'sparse' });
    expect(coded.tensors[0].streams.map((s) => [s.role, s.encoding])).toEqual([['codebook', 'raw'], ['codes', 'rans'], ['gaps', 'rans']]);
    expect(coded.header.decoders).toEqual({ rans: '@dc/rans/decode' });
    expect(coded.bytes.length).toBeLessThan(raw.bytes.length * 0.97);
    expect(() => decodeContainer(coded.bytes)).toThrow(/UNKNOWN_ENCODING.*@dc\/rans\/decode/);
    expectDecodedExactly(model, codebooks, decodeContainer(coded.bytes, { decoders: [ransDecoder] }));
  });

  it('makes every element coded (dense-coded, the pruned ones as one more code) pay where it did not', () => {
    // With 92% of the codes standing for "pruned", rANS spends well under a bit on each of them,
    // which a Huffman or fixed-width code cannot: dense-coded beats sparse here.
    const { model, codebooks } = randomCodedModel([{ inputs: 300, units: 100, density: 0.08, bits: 5, bias: true, seed: 1 }]);
    const auto = encodeContainer({ model, codebooks }, { encoders: [ransCoder] });
    const sparse = encodeContainer({ model, codebooks }, { encoders: [ransCoder], layout: 'sparse' });
    expect(auto.tensors[0].layout).toBe('dense-coded');
    expect(auto.tensors[0].streams[1].encoding).toBe('rans');
    expect(auto.bytes.length).toBeLessThan(sparse.bytes.length);
    expectDecodedExactly(model, codebooks, decodeContainer(auto.bytes, { decoders: [ransDecoder] }));
  });
});
