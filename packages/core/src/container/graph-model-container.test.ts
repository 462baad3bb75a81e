import { describe, expect, it } from 'vitest';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { crc32 as crc } from './crc32.js';
import { joinContainer, splitContainer } from '../testing/forge-container.js';
import { decodeContainer } from './decode.js';
import { describeContainer } from './describe.js';
import { toFloat16Bits } from './float16.js';
import { decodeGraphModelContainer, graphTensorValues, readGraphModelHeader } from './graph-model-decode.js';
import { encodeGraphModelContainer, type GraphModelWeight } from './graph-model-encode.js';
import { GRAPH_MODEL_FORMAT_VERSION } from './header.js';

const node = (name: string, op = 'Const') => ({ name, op, attr: {} });
const graph = {
  format: 'graph-model' as const,
  modelTopology: { node: [node('x', 'Placeholder'), node('a/kernel'), node('a/bias'), node('a/shape'), node('a/mask'), node('a/half')], versions: { producer: 1 } },
  signature: { inputs: { 'x:0': { name: 'x:0' } } },
  userDefinedMetadata: { keep: [1, 2, 3] },
};
/** The graph with only the Const nodes of `weights`: every Const of a GraphModel has its weight (docs/format.md §9.1). */
const graphFor = (ws: readonly { name: string }[]) => ({ ...graph, modelTopology: { ...graph.modelTopology, node: [node('x', 'Placeholder'), ...ws.map((w) => node(w.name))] } });
const half = Float32Array.from({ length: 40 }, (_, i) => (i - 20) / 8); // exact in float16
const kernel = Float32Array.from({ length: 60 }, (_, i) => (i % 4 === 0 ? 0 : Math.fround(Math.sin(i) / 3)));
const weights: GraphModelWeight[] = [
  { name: 'a/kernel', dtype: 'float32', shape: [6, 10], values: kernel },
  { name: 'a/bias', dtype: 'float32', shape: [10], values: Float32Array.from({ length: 10 }, (_, i) => Math.fround(0.1 * i + 1e-3)) },
  { name: 'a/shape', dtype: 'int32', shape: [3], values: Int32Array.of(-1, 2147483647, -2147483648) },
  { name: 'a/mask', dtype: 'bool', shape: [2, 2], values: Uint8Array.of(1, 0, 0, 1) },
  { name: 'a/half', dtype: 'float32', shape: [5, 8], values: half },
];

describe('GraphModel files (format version 4)', () => {
  const encoded = encodeGraphModelContainer({ graph, weights });

  it('round-trip exactly: floats bit for bit (f16 only where exact), int32 and bool raw, the record as written', () => {
    expect(new DataView(encoded.bytes.buffer).getUint16(8, true)).toBe(GRAPH_MODEL_FORMAT_VERSION);
    const decoded = decodeGraphModelContainer(encoded.bytes);
    expect(decoded.graph).toEqual(graph);
    expect(decoded.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(weights.map((w) => [w.name, w.dtype, w.shape]));
    decoded.tensors.forEach((t, i) => expect(Array.from(graphTensorValues(t))).toEqual(Array.from(weights[i].values)));
    const types = encoded.header.tensors.map((t) => Object.values(t.streams).map((s) => s.type).join('+'));
    expect(types).toEqual(['f32+symbols', 'f32', 'i32', 'u8', 'f16']); // the kernel sparse: values + gaps
    expect(encoded.header.tensors[0].layout).toBe('sparse');
  });

  it('describeContainer counts every byte of a version 4 file, with dtypes', () => {
    const d = describeContainer(encoded.bytes);
    expect(d.version).toBe(4);
    expect(d.tensors.map((t) => t.dtype)).toEqual(['float32', 'float32', 'int32', 'bool', 'float32']);
    const streams = d.tensors.reduce((n, t) => n + t.bytes, 0);
    expect(d.preambleBytes + d.header.bytes + d.paddingBytes + streams).toBe(encoded.bytes.length);
  });

  it('layer-graph readers refuse it (WRONG_MODEL_FORMAT), and the GraphModel reader refuses layer files', () => {
    expect(codeOf(() => decodeContainer(encoded.bytes))).toBe('WRONG_MODEL_FORMAT');
    const { data } = splitContainer(encoded.bytes);
    const asV2 = joinContainer(JSON.stringify(splitContainer(encoded.bytes).header), data, { version: 2 });
    expect(codeOf(() => decodeGraphModelContainer(asV2))).toBe('WRONG_MODEL_FORMAT');
  });

  it('checks every rule of §9: keys name Const nodes, dtypes and their streams, bool values', () => {
    const { header, data } = splitContainer(encoded.bytes) as { header: { tensors: Array<Record<string, unknown>>; graph: Record<string, unknown> }; data: Uint8Array };
    const forge = (edit: (h: typeof header) => void, bytes = data): Uint8Array => {
      const h = structuredClone(header);
      edit(h);
      return joinContainer(JSON.stringify(h), bytes, { version: 4 });
    };
    expect(codeOf(() => decodeGraphModelContainer(forge(() => undefined)))).toBe('no error');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.tensors[1].key = 'x'))))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.tensors[1].key = 'a/kernel'))))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.tensors[2].dtype = 'float32'))))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.tensors[2].dtype = 'int64'))))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => delete h.tensors[0].dtype)))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.graph.format = 'layers-model'))))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.graph.extra = 1))))).toBe('BAD_HEADER');
    const boolAt = encoded.header.tensors[3].streams.values!.offset;
    const bad = data.slice();
    bad[boolAt] = 2;
    const resealed = forge((h) => {
      const s = (h.tensors[3].streams as { values: { crc32: number } }).values;
      s.crc32 = crc(bad.subarray(boolAt, boolAt + 4));
    }, bad);
    expect(codeOf(() => decodeGraphModelContainer(resealed))).toBe('CORRUPT_STREAM');
  });

  it('records the input preprocessing when given (§9.1): read back as written, absent otherwise, a bad record BAD_HEADER', () => {
    const preprocessing = { scale: [2 / 255], offset: [-1] };
    const withRecord = encodeGraphModelContainer({ graph, weights, preprocessing });
    expect(new DataView(withRecord.bytes.buffer).getUint16(8, true)).toBe(GRAPH_MODEL_FORMAT_VERSION);
    expect(decodeGraphModelContainer(withRecord.bytes).preprocessing).toEqual(preprocessing);
    expect(readGraphModelHeader(withRecord.bytes).preprocessing).toEqual(preprocessing);
    expect(decodeGraphModelContainer(encoded.bytes)).not.toHaveProperty('preprocessing');
    // The weights decode the same with or without it.
    decodeGraphModelContainer(withRecord.bytes).tensors.forEach((t, i) => expect(Array.from(graphTensorValues(t))).toEqual(Array.from(weights[i].values)));
    const { header, data } = splitContainer(encoded.bytes) as { header: Record<string, unknown>; data: Uint8Array };
    const forge = (record: unknown) => joinContainer(JSON.stringify({ ...header, preprocessing: record }), data, { version: 4 });
    expect(readGraphModelHeader(forge({ scale: [0.1, 0.2, 0.3], offset: [0, 0, 0] })).preprocessing).toEqual({ scale: [0.1, 0.2, 0.3], offset: [0, 0, 0] });
    for (const bad of [{ scale: [], offset: [] }, { scale: [1, 2], offset: [0] }, { scale: ['x'], offset: [0] }, { scale: [1], offset: [0], extra: 1 }, { scale: [1] }, [1, 0], null]) {
      expect(codeOf(() => decodeGraphModelContainer(forge(bad)))).toBe('BAD_HEADER');
    }
    expect(codeOf(() => encodeGraphModelContainer({ graph, weights, preprocessing: { scale: [Infinity], offset: [0] } }))).toBe('INVALID_MODEL');
  });

  it('the writer refuses what the reader would refuse: INVALID_MODEL, nothing written', () => {
    expect(codeOf(() => encodeGraphModelContainer({ graph, weights: [{ ...weights[0], name: 'nope' }] }))).toBe('INVALID_MODEL');
    expect(codeOf(() => encodeGraphModelContainer({ graph, weights: [weights[0], weights[0]] }))).toBe('INVALID_MODEL');
    expect(codeOf(() => encodeGraphModelContainer({ graph, weights: [{ ...weights[2], values: Float32Array.of(1, 2, 3) }] }))).toBe('INVALID_MODEL');
    expect(codeOf(() => encodeGraphModelContainer({ graph, weights: [{ ...weights[3], values: Uint8Array.of(1, 2, 0, 0) }] }))).toBe('INVALID_MODEL');
    const codebook = { bits: 2, centroids: Float32Array.of(-1, NaN), positions: Uint32Array.of(0, 1), codes: Uint8Array.of(0, 1) };
    expect(codeOf(() => encodeGraphModelContainer({ graph, weights: [{ ...weights[1], values: Float32Array.of(-1, NaN, 0, 0, 0, 0, 0, 0, 0, 0), codebook }] }))).toBe('NON_FINITE_VALUE');
  });

  it('stores infinite and NaN float constants as they are (TensorFlow graphs use -inf thresholds and paddings)', () => {
    const odd = Float32Array.of(-Infinity, 0, NaN, Infinity, 0, 0, 0, 0, 0, 1.5);
    const stored = [{ ...weights[1], values: odd }];
    const out = encodeGraphModelContainer({ graph: graphFor(stored), weights: stored });
    expect(out.header.tensors[0].streams.values!.type).toBe('f32');
    expect(Array.from(graphTensorValues(decodeGraphModelContainer(out.bytes).tensors[0]))).toEqual(Array.from(odd));
  });

  it('stores float16-exact values as f16 and the others as f32 (lossless either way)', () => {
    const h = Float32Array.from({ length: 8 }, (_, i) => i / 4);
    const nearly = Float32Array.from(h, (v, i) => (i === 3 ? v + 2 ** -20 : v));
    expect(toFloat16Bits(nearly[3])).toBe(toFloat16Bits(h[3])); // rounds to the same half: f16 would lose it
    const stored = [{ name: 'a/bias', dtype: 'float32' as const, shape: [8], values: h }, { name: 'a/half', dtype: 'float32' as const, shape: [8], values: nearly }];
    const out = encodeGraphModelContainer({ graph: graphFor(stored), weights: stored });
    expect(out.header.tensors.map((t) => t.streams.values!.type)).toEqual(['f16', 'f32']);
    expect(Array.from(graphTensorValues(decodeGraphModelContainer(out.bytes).tensors[1]))).toEqual(Array.from(nearly));
  });
});
