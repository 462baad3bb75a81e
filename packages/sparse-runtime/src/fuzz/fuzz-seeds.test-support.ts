/**
 * The valid files the fuzzer starts from: the shipped LeNet-300-100 and LeNet-5 files, small
 * random models (MLPs, convnets and DAGs, every layout, raw and Huffman-coded streams, float32
 * and float16 values), graphs that use every op kind of core's table, and compact (version 3)
 * headers of some of them, GraphModel files (version 4, and 9 with an integer-range codebook) and a LayersModel record's (version 8); plus the pool its header mutations draw from, which also holds every
 * op kind and activation name of the table.
 */
import { containerInputOf, createRandom, decodeContainer, encodeContainer, LAYER_ACTIVATIONS, NODE_ACTIVATIONS, OP_KINDS, type EncodeContainerOptions } from '@dc/core';
import { splitContainer, tinyGraphModel } from '@dc/core/testing';
import { huffmanEncoder } from '@dc/huffman';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomGraph } from '../testing/random-graph.js';
import { randomModel } from '../testing/random-model.js';
import { graphModelSeedFiles } from './graph-model-seeds.test-support.js';
import { opZoo } from './op-zoo.test-support.js';
import { mutationPool, type Json, type MutationPool } from './mutate-json.test-support.js';

/** One seed file, split for mutation. */
export interface FuzzSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Format version: 3 and 7 have a compact (binary) header; 4 and 9 hold a tfjs GraphModel, 8 a LayersModel's record. */
  readonly version: number;
  readonly header: Json;
  /** The header's bytes after inflating (JSON text, or the compact header). */
  readonly headerBytes: Uint8Array;
  readonly data: Uint8Array;
  readonly deflated: boolean;
}

/** The seeds and the mutation pool built from them. */
export interface FuzzCorpus {
  readonly seeds: readonly FuzzSeed[];
  readonly pool: MutationPool;
}

// The paper preset's files and the seeded preset's (format version 7).
const SHIPPED = ['lenet-300-100', 'lenet-5', 'lenet-300-100-seeded', 'lenet-5-seeded'];

function seedOf(name: string, bytes: Uint8Array): FuzzSeed {
  const { version, header, headerBytes, data } = splitContainer(bytes);
  return { name, bytes, version, header: header as Json, headerBytes, data, deflated: new DataView(bytes.buffer, bytes.byteOffset).getUint16(10, true) === 1 };
}

/** `randomModels` random models per family besides the shipped files; deterministic. */
export function fuzzCorpus(randomModels = 4): FuzzCorpus {
  const root = fileURLToPath(new URL('../../../../apps/demo/compressed/', import.meta.url));
  const seeds = SHIPPED.map((m) => seedOf(m, new Uint8Array(readFileSync(`${root}${m}.dcm`))));
  const variants: EncodeContainerOptions[] = [{ encoders: [huffmanEncoder] }, {}, { floatFormat: 'float16', layout: 'sparse' }, { encoders: [huffmanEncoder], layout: 'dense', order: 'column' }];
  for (let i = 0; i < randomModels; i++) {
    for (const family of ['mlp', 'conv'] as const) {
      const options = variants[(2 * i + (family === 'conv' ? 1 : 0)) % variants.length];
      const input = containerInputOf(randomModel(1000 + i, family));
      seeds.push(seedOf(`random-${family}-${i}`, encodeContainer(input, options).bytes));
    }
  }
  for (let i = 0; i < 2; i++) seeds.push(seedOf(`random-graph-${i}`, encodeContainer(containerInputOf(randomGraph(3000 + i)), variants[i]).bytes));
  [tinyGraphModel(), ...opZoo()].forEach((model, i) => {
    const options = variants[(i + 1) % variants.length];
    seeds.push(seedOf(model.name, encodeContainer({ model, stages: [{ name: 'fuzz:seed', options: {} }] }, options).bytes));
  });
  // Compact (format version 3, binary) headers: a shipped model, a random convnet without provenance, the merge graph.
  const lenet5 = decodeContainer(seeds[1].bytes, { decoders: [huffmanDecoder, ransDecoder] });
  seeds.push(seedOf('lenet-5-compact', encodeContainer(containerInputOf(lenet5), { encoders: [huffmanEncoder], header: 'compact' }).bytes));
  seeds.push(seedOf('random-conv-compact', encodeContainer(containerInputOf(randomModel(2000, 'conv')), { header: 'compact', provenance: false, layout: 'sparse' }).bytes));
  seeds.push(seedOf('zoo-graph-compact', encodeContainer({ model: opZoo()[1], stages: [{ name: 'fuzz:seed', options: {} }] }, { header: 'compact', floatFormat: 'float16' }).bytes));
  // GraphModel files (format versions 4 and 9) and a LayersModel record's (version 8).
  for (const { name, bytes } of graphModelSeedFiles()) seeds.push(seedOf(name, bytes));
  return corpusOf(seeds);
}

/**
 * The corpus of `seeds`: they, and the pool that their headers, the table's op kinds and
 * activations and a fixed sample of JSON junk make. (A case depends on the whole corpus: a test
 * that replays a case found before a seed was added builds the corpus without that seed.)
 */
export function corpusOf(seeds: readonly FuzzSeed[]): FuzzCorpus {
  const junk = fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 300, seed: 12 }) as Json[];
  const names: Json[] = [...OP_KINDS, ...LAYER_ACTIVATIONS, ...NODE_ACTIVATIONS];
  return { seeds, pool: mutationPool([...seeds.map((s) => s.header), names], junk) };
}

/** A deterministic random input sample of `n` values in [0, 1), like scaled pixels. */
export function fuzzInput(n: number): Float32Array {
  const r = createRandom(7);
  return Float32Array.from({ length: n }, () => r.next());
}
