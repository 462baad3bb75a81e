import { describe, expect, it } from 'vitest';
import type { Codebook } from '../artifacts.js';
import { densify } from '../compressed.js';
import { isDcError } from '../errors/dc-error.js';
import { createRandom } from '../random.js';
import { joinContainer, splitContainer } from '../testing/forge-container.js';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { tinyGraphModel } from '../testing/index.js';
import { isChannelCount, scaledValue } from './channel-scales.js';
import { crc32 } from './crc32.js';
import { encodeContainer } from './encode.js';
import { decodeGraphModelContainer, graphTensorValues } from './graph-model-decode.js';
import { encodeGraphModelContainer, type GraphModelWeight } from './graph-model-encode.js';
import { CHANNEL_SCALES_FORMAT_VERSION, GRAPH_MODEL_FORMAT_VERSION } from './header.js';

/** A graph whose Const nodes are exactly `weights`' (every Const of a GraphModel has its weight, docs/format.md §9.1). */
const graphFor = (weights: readonly { name: string }[]) => ({ format: 'graph-model' as const, modelTopology: { node: [{ name: 'x', op: 'Placeholder' }, ...weights.map((w) => ({ name: w.name, op: 'Const' }))] } });
const versionOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);

/** A [3, 3, 4, 6] kernel with per-output-channel scales, every 3rd weight pruned; its values and codebook. */
function scaledKernel(channels = 6, k = 5): { weight: GraphModelWeight; expected: Float32Array } {
  const shape = [3, 3, 4, channels];
  const n = shape.reduce((a, b) => a * b, 1);
  const r = createRandom(7);
  const centroids = Float32Array.from({ length: k }, (_, i) => -1 + (2 * i + 1) / k);
  const scales = Float32Array.from({ length: channels }, (_, c) => 2 ** ((c % 8) - 3) * 1.5); // float16-exact
  const positions = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
  const codes = Uint8Array.from(positions, () => r.int(k));
  const expected = new Float32Array(n);
  positions.forEach((p, i) => (expected[p] = scaledValue(scales[p % channels], centroids[codes[i]])));
  const codebook: Codebook = { bits: 3, centroids, positions, codes, scales };
  return { weight: { name: 'k', dtype: 'float32', shape, values: expected, codebook }, expected };
}

describe('per-channel scales (format version 5)', () => {
  it('channel counts are products of the last extents', () => {
    expect([6, 24, 72, 216].map((c) => isChannelCount([3, 3, 4, 6], c))).toEqual([true, true, true, true]);
    expect([1, 4, 5, 12, 18].map((c) => isChannelCount([3, 3, 4, 6], c))).toEqual([false, false, false, false, false]);
    expect(isChannelCount([3, 3, 4, 1], 1)).toBe(true);
    expect(isChannelCount([3, 3, 4, 1], 4)).toBe(true);
  });

  it('round-trip exactly: a scales stream (f16 where exact), version 5, values scale × centroid in float32', () => {
    const { weight, expected } = scaledKernel();
    const bias = { name: 'b', dtype: 'float32' as const, shape: [6], values: Float32Array.of(1, 2, 3, 4, 5, 6) };
    const out = encodeGraphModelContainer({ graph: graphFor([weight, bias]), weights: [weight, bias] });
    expect(versionOf(out.bytes)).toBe(CHANNEL_SCALES_FORMAT_VERSION);
    const scales = out.header.tensors[0].streams.scales!;
    expect([scales.type, scales.count, scales.length]).toEqual(['f16', 6, 12]);
    const decoded = decodeGraphModelContainer(out.bytes);
    expect(Array.from(graphTensorValues(decoded.tensors[0]))).toEqual(Array.from(expected));
    // The in-memory form runtimes take: C·K entries, codes c·K + k.
    const t = decoded.tensors[0];
    if (t.dtype !== 'float32' || (t.tensor.layout !== 'sparse-coded' && t.tensor.layout !== 'dense-coded')) throw new Error(`layout ${t.dtype}`);
    expect(t.tensor.codebook.length).toBe(6 * 5 + (t.tensor.layout === 'dense-coded' ? 6 : 0));
    // Without scales the same writer still writes version 4, byte for byte as before.
    const plain = encodeGraphModelContainer({ graph: graphFor([bias]), weights: [bias] });
    expect(versionOf(plain.bytes)).toBe(GRAPH_MODEL_FORMAT_VERSION);
  });

  it('more than 65,536 scaled entries come back as float values, equal to the same reconstruction', () => {
    const { weight, expected } = scaledKernel(4096, 32);
    const out = encodeGraphModelContainer({ graph: graphFor([weight]), weights: [{ ...weight, codebook: { ...weight.codebook!, bits: 5 } }] });
    const t = decodeGraphModelContainer(out.bytes).tensors[0];
    expect(t.dtype === 'float32' && (t.tensor.layout === 'sparse' || t.tensor.layout === 'dense')).toBe(true);
    expect(t.dtype === 'float32' && Array.from(densify(t.tensor))).toEqual(Array.from(expected));
  });

  it('the reader refuses scales outside version 5, of the wrong count, or not positive', () => {
    const { weight } = scaledKernel();
    const bytes = encodeGraphModelContainer({ graph: graphFor([weight]), weights: [weight] }).bytes;
    const { header, data } = splitContainer(bytes) as { header: { tensors: Array<{ streams: Record<string, Record<string, unknown>> }> }; data: Uint8Array };
    const forge = (edit: (h: typeof header) => void, version = 5, d = data) => {
      const h = structuredClone(header);
      edit(h);
      return joinContainer(JSON.stringify(h), d, { version });
    };
    expect(codeOf(() => decodeGraphModelContainer(forge(() => undefined)))).toBe('no error');
    expect(codeOf(() => decodeGraphModelContainer(forge(() => undefined, 4)))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.tensors[0].streams.scales.count = 5))))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(forge((h) => (h.tensors[0].streams.scales.type = 'symbols'))))).toBe('BAD_HEADER');
    const at = header.tensors[0].streams.scales.offset as number;
    const negative = data.slice();
    negative[at + 1] |= 0x80; // the first scale's sign bit
    const resealed = forge((h) => (h.tensors[0].streams.scales.crc32 = crc32(negative.subarray(at, at + 12))), 5, negative);
    expect(codeOf(() => decodeGraphModelContainer(resealed))).toBe('VALUE_OUT_OF_RANGE');
  });

  it('the writers refuse what the reader would: bad scale counts or values, scales in a layer-graph file', () => {
    const { weight } = scaledKernel();
    const cb = weight.codebook!;
    const withScales = (scales: Float32Array) => () => encodeGraphModelContainer({ graph: graphFor([weight]), weights: [{ ...weight, codebook: { ...cb, scales } }] });
    expect(codeOf(withScales(new Float32Array(5).fill(1)))).toBe('INVALID_MODEL');
    expect(codeOf(withScales(Float32Array.of(1, 1, 1, 0, 1, 1)))).toBe('NON_FINITE_VALUE');
    expect(codeOf(withScales(Float32Array.of(1, 1, 1, Infinity, 1, 1)))).toBe('NON_FINITE_VALUE');
    const model = tinyGraphModel();
    const layer = model.layers.find((l) => l.params?.kernel)!;
    const kernel = layer.params!.kernel!;
    const last = kernel.shape.at(-1)!;
    const positions = Uint32Array.from(kernel.values.keys());
    const codebook: Codebook = { bits: 1, centroids: Float32Array.of(1), positions, codes: new Uint8Array(positions.length), scales: new Float32Array(last).fill(1) };
    const code = codeOf(() => encodeContainer({ model, codebooks: new Map([[`${layer.name}/kernel`, codebook]]) }));
    expect(code).toBe('INVALID_MODEL');
  });

  it('fuzzed version 5 files end in a DcError or a decode, never a crash (1000 cases)', () => {
    const { weight } = scaledKernel();
    const bytes = encodeGraphModelContainer({ graph: graphFor([weight]), weights: [weight] }).bytes;
    const r = createRandom(5);
    let decoded = 0;
    for (let i = 0; i < 1000; i++) {
      const b = bytes.slice();
      for (let t = 0; t <= r.int(3); t++) b[r.int(b.length)] ^= 1 << r.int(8);
      try {
        decodeGraphModelContainer(b);
        decoded++;
      } catch (e) {
        if (!isDcError(e)) throw new Error(`case ${i}: not a DcError: ${String(e)}`, { cause: e });
      }
    }
    expect(decoded).toBeLessThan(1000);
  });
});
