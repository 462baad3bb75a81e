import { describe, expect, it } from 'vitest';
import type { Codebook } from '../artifacts.js';
import { constantCoder } from '../testing/constant-coder.js';
import { thrownError, thrownErrorCode as codeOf } from '../testing/error-code.js';
import { joinContainer, splitContainer } from '../testing/forge-container.js';
import { scaledValue } from './channel-scales.js';
import { decodeContainer } from './decode.js';
import { describeContainer } from './describe.js';
import { decodeGraphModelContainer, graphTensorValues } from './graph-model-decode.js';
import { encodeGraphModelContainer, type GraphModelWeight } from './graph-model-encode.js';
import type { GraphModelRecord } from './graph-model-header.js';
import { FLOAT_PLANES_FORMAT_VERSION, GRAPH_MODEL_FORMAT_VERSION, LAYERS_MODEL_RECORD_FORMAT_VERSION, NEWEST_FORMAT_VERSION, isGraphModelVersion } from './header.js';

const versionOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);

const dense = (name: string, units: number) => ({ class_name: 'Dense', config: { name, units, activation: 'relu', use_bias: true } });
/** A tfjs-saved Sequential model's record: the Keras topology bare. */
const sequential: GraphModelRecord = {
  format: 'layers-model',
  modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [dense('dense_1', 4), dense('dense_2', 3)] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
  generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
  convertedBy: null,
  userDefinedMetadata: { labels: ['a', 'b', 'c'] },
};
/** A converter's record of a two-input functional model: the topology inside `model_config` (tfjs accepts both). */
const functional: GraphModelRecord = {
  format: 'layers-model',
  modelTopology: {
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: { class_name: 'Functional', config: { name: 'f', layers: [dense('dense_1', 4)], input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['dense_1', 0, 0]] } },
  },
  generatedBy: 'keras v2.15.0',
  convertedBy: 'TensorFlow.js Converter v4.22.0',
};

/** A [6, 4] kernel as codebook indices (every third weight pruned), an unclustered bias, a second dense layer. */
function layerWeights(scales?: Float32Array): GraphModelWeight[] {
  const centroids = Float32Array.of(-0.75, -0.25, 0.25, 0.75);
  const positions = Uint32Array.from({ length: 24 }, (_, i) => i).filter((i) => i % 3 !== 0);
  const codes = Uint8Array.from(positions, (p) => p % 4);
  const kernel = new Float32Array(24);
  positions.forEach((p, i) => (kernel[p] = scales ? scaledValue(scales[p % 4], centroids[codes[i]]) : centroids[codes[i]]));
  const codebook: Codebook = { bits: 2, centroids, positions, codes, ...(scales ? { scales } : {}) };
  return [
    { name: 'dense_1/kernel', dtype: 'float32', shape: [6, 4], values: kernel, codebook },
    { name: 'dense_1/bias', dtype: 'float32', shape: [4], values: Float32Array.of(0.1, -0.2, Math.fround(1 / 3), 0) },
    { name: 'dense_2/kernel', dtype: 'float32', shape: [4, 3], values: Float32Array.from({ length: 12 }, (_, i) => Math.fround(Math.sin(i + 1) / 2)) },
    { name: 'dense_2/bias', dtype: 'float32', shape: [3], values: Float32Array.of(0, 0, 0) },
  ];
}

function expectRoundTrip(graph: GraphModelRecord, weights: readonly GraphModelWeight[], bytes: Uint8Array, decoders = [constantCoder]): void {
  expect(bytes[8]).toBe(8);
  expect(versionOf(bytes)).toBe(LAYERS_MODEL_RECORD_FORMAT_VERSION);
  const decoded = decodeGraphModelContainer(bytes, { decoders });
  expect(decoded.graph).toEqual(graph);
  expect(decoded.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(weights.map((w) => [w.name, w.dtype, w.shape]));
  decoded.tensors.forEach((t, i) => expect(Array.from(graphTensorValues(t)), t.name).toEqual(Array.from(weights[i].values)));
}

describe('LayersModel files (format version 8, docs/format.md §9.5)', () => {
  const weights = layerWeights();
  const encoded = encodeGraphModelContainer({ graph: sequential, weights });

  it('is a model.json-record version; 9 (integer-range codebooks, §9.6) is the newest', () => {
    expect(LAYERS_MODEL_RECORD_FORMAT_VERSION).toBe(8);
    expect(NEWEST_FORMAT_VERSION).toBe(9);
    expect([4, 5, 6, 7, 8, 9].map(isGraphModelVersion)).toEqual([true, true, true, false, true, true]);
  });

  it('round-trips a Sequential record as given, codebook and float weights exact, weight names as keys', () => {
    expectRoundTrip(sequential, weights, encoded.bytes);
    expect(encoded.header.tensors[0].layout).toMatch(/-coded$/);
    expect(encoded.header.tensors.map((t) => t.key)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
  });

  it('round-trips a record whose topology is inside model_config', () => {
    const ws = layerWeights().slice(0, 2);
    expectRoundTrip(functional, ws, encodeGraphModelContainer({ graph: functional, weights: ws }).bytes);
  });

  it('is version 8 whatever the streams: the same weights under a GraphModel record are version 4 (or 6), with the same data area', () => {
    const nodes = weights.map((w) => ({ name: w.name, op: 'Const' }));
    const asGraph = encodeGraphModelContainer({ graph: { format: 'graph-model', modelTopology: { node: nodes } }, weights });
    expect(versionOf(asGraph.bytes)).toBe(GRAPH_MODEL_FORMAT_VERSION);
    expect(splitContainer(encoded.bytes).data).toEqual(splitContainer(asGraph.bytes).data);
    // Byte-plane float streams (§9.4) and per-channel scales (§9.3) stay version 8 too.
    const flat = Float32Array.from({ length: 16 }, () => 1.5); // f16 planes of one repeated byte each: the constant coder takes them
    const planed = [{ name: 'dense_2/kernel', dtype: 'float32' as const, shape: [4, 4], values: flat }];
    const withPlanes = encodeGraphModelContainer({ graph: sequential, weights: planed }, { encoders: [constantCoder] });
    expect(withPlanes.header.tensors[0].streams.values).toMatchObject({ type: 'f16', encodings: ['test-constant'] });
    expect(versionOf(encodeGraphModelContainer({ graph: { format: 'graph-model', modelTopology: { node: [{ name: 'dense_2/kernel', op: 'Const' }] } }, weights: planed }, { encoders: [constantCoder] }).bytes)).toBe(FLOAT_PLANES_FORMAT_VERSION);
    expectRoundTrip(sequential, planed, withPlanes.bytes);
    const scaled = layerWeights(Float32Array.of(0.5, 1, 2, 4));
    const withScales = encodeGraphModelContainer({ graph: sequential, weights: scaled });
    expect(withScales.header.tensors[0].streams.scales).toBeDefined();
    expectRoundTrip(sequential, scaled, withScales.bytes);
  });

  it('describeContainer counts every byte of it', () => {
    const d = describeContainer(encoded.bytes);
    expect(d.version).toBe(8);
    expect(d.preambleBytes + d.header.bytes + d.paddingBytes + d.tensors.reduce((n, t) => n + t.bytes, 0)).toBe(encoded.bytes.length);
  });

  it('a layer-graph reader refuses it: WRONG_MODEL_FORMAT', () => {
    expect(codeOf(() => decodeContainer(encoded.bytes))).toBe('WRONG_MODEL_FORMAT');
  });

  it('checks the record: the format matches the version, the topology is a Keras model config, keys unique (BAD_HEADER)', () => {
    const { header, data } = splitContainer(encoded.bytes) as { header: { graph: Record<string, unknown> & { modelTopology: Record<string, unknown> }; tensors: Array<Record<string, unknown>> }; data: Uint8Array };
    const forge = (edit: (h: typeof header) => void, version = LAYERS_MODEL_RECORD_FORMAT_VERSION): Uint8Array => {
      const h = structuredClone(header);
      edit(h);
      return joinContainer(JSON.stringify(h), data, { version });
    };
    const read = (bytes: Uint8Array) => () => decodeGraphModelContainer(bytes);
    expect(codeOf(read(forge(() => undefined)))).toBe('no error');
    // A LayersModel's record in a GraphModel version, and a GraphModel's format in version 8.
    expect(thrownError(read(forge(() => undefined, GRAPH_MODEL_FORMAT_VERSION))).message).toMatch(/graph\.format must be "graph-model"/);
    expect(thrownError(read(forge((h) => (h.graph.format = 'graph-model')))).message).toMatch(/graph\.format must be "layers-model"/);
    expect(codeOf(read(forge((h) => delete h.graph.format)))).toBe('BAD_HEADER');
    // The Keras topology: class_name a string, config an object, bare or inside model_config.
    expect(codeOf(read(forge((h) => delete h.graph.modelTopology.class_name)))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => (h.graph.modelTopology.class_name = 7))))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => delete h.graph.modelTopology.config)))).toBe('BAD_HEADER');
    for (const config of [[], 'm', null]) expect(codeOf(read(forge((h) => (h.graph.modelTopology.config = config))))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => (h.graph.modelTopology = { model_config: { class_name: 'Sequential', config: {} } }))))).toBe('no error');
    expect(codeOf(read(forge((h) => (h.graph.modelTopology = { model_config: { class_name: 'Sequential' } }))))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => (h.graph.modelTopology = { model_config: [] }))))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => ((h.graph as Record<string, unknown>).modelTopology = []))))).toBe('BAD_HEADER');
    // Layer calls tfjs can wire: one waiting on a layer the model lacks would keep tf.loadLayersModel looping.
    const waiting = { class_name: 'Functional', config: { layers: [{ ...dense('dense_1', 4), name: 'dense_1', inbound_nodes: [[['input_9', 0, 0, {}]]] }] } };
    expect(thrownError(read(forge((h) => (h.graph.modelTopology = waiting)))).message).toContain('graph.modelTopology: the model: layer "dense_1" takes an input from "input_9": no layer of that name');
    // A LayersModel's trainingConfig (an object, version 8 only); the other members as in version 4.
    expect(decodeGraphModelContainer(forge((h) => (h.graph.trainingConfig = { loss: 'mse' }))).graph.trainingConfig).toEqual({ loss: 'mse' });
    expect(codeOf(read(forge((h) => (h.graph.trainingConfig = 'mse'))))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => (h.graph.extra = {}))))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => (h.graph.generatedBy = 1))))).toBe('BAD_HEADER');
    // Keys are weight names, checked against no node; still unique.
    expect(codeOf(read(forge((h) => (h.tensors[1].key = 'any/name'))))).toBe('no error');
    expect(codeOf(read(forge((h) => (h.tensors[1].key = 'dense_1/kernel'))))).toBe('BAD_HEADER');
  });

  it('the writer refuses what the reader would refuse: INVALID_MODEL, nothing written', () => {
    const noConfig = { ...sequential, modelTopology: { class_name: 'Sequential' } };
    expect(codeOf(() => encodeGraphModelContainer({ graph: noConfig, weights }))).toBe('INVALID_MODEL');
    expect(codeOf(() => encodeGraphModelContainer({ graph: sequential, weights: [weights[0], weights[0]] }))).toBe('INVALID_MODEL');
    // trainingConfig is a LayersModel's: written in version 8, refused in a GraphModel record.
    const trained = { ...sequential, trainingConfig: { loss: 'categorical_crossentropy', optimizer_config: { class_name: 'Adam', config: {} } } };
    expectRoundTrip(trained, weights, encodeGraphModelContainer({ graph: trained, weights }).bytes);
    const graph: GraphModelRecord = { format: 'graph-model', modelTopology: { node: [{ name: 'dense_1/bias', op: 'Const' }] }, trainingConfig: { loss: 'mse' } };
    expect(codeOf(() => encodeGraphModelContainer({ graph, weights: [weights[1]] }))).toBe('INVALID_MODEL');
  });
});
