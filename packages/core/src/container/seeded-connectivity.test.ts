import { describe, expect, it } from 'vitest';
import type { Codebook } from '../artifacts.js';
import { densify, type SparseCodedTensor } from '../compressed.js';
import { connectedPositions, connectivityHash } from '../connectivity.js';
import { constantCoder } from '../testing/constant-coder.js';
import { thrownError } from '../testing/error-code.js';
import { decodeContainer, readContainerHeader } from './decode.js';
import { describeContainer } from './describe.js';
import { byteTableRows } from './describe-format.js';
import { encodeContainer } from './encode.js';
import { readPreamble } from './framing.js';
import { SEEDED_CONNECTIVITY_FORMAT_VERSION } from './header.js';
import { containerInputOf } from './recode.js';
import { seededModel } from './seeded-file.test-support.js';

const versionOf = (bytes: Uint8Array) => readPreamble(bytes).version;

describe('seeded connectivity (format version 7)', () => {
  it('stores a seeded clustered kernel by seed and keep, and decodes its connected positions and exact values', () => {
    const { model, codebooks, connectivity, c } = seededModel();
    const seeded = encodeContainer({ model, codebooks, connectivity }, { header: 'compact' });
    const plain = encodeContainer({ model, codebooks }, { header: 'compact' });
    expect(versionOf(seeded.bytes)).toBe(SEEDED_CONNECTIVITY_FORMAT_VERSION);
    expect(versionOf(plain.bytes)).toBe(3);
    const positions = connectedPositions(c, 120 * 40);
    expect(positions.length).toBe(516);
    const t = readContainerHeader(seeded.bytes).tensors[0];
    expect(t).toMatchObject({ key: 'fc1/kernel', layout: 'sparse-coded', entries: 516, connectivity: { seed: 12345, keep: c.keep } });
    expect(Object.keys(t.streams)).toEqual(['codebook', 'codes']);
    expect(t.gapBits).toBeUndefined();
    expect(t.order).toBeUndefined();
    const decoded = decodeContainer(seeded.bytes);
    const kernel = decoded.tensors.get('fc1/kernel') as SparseCodedTensor;
    expect(kernel.layout).toBe('sparse-coded');
    expect(kernel.positions).toEqual(positions);
    // The codebook had no 0: one is appended for the 103 pruned connected weights.
    expect(Array.from(kernel.codebook)).toEqual([-0.5, -0.125, 0.25, 0.75, 0]);
    expect(kernel.codes.filter((k) => k === 4).length).toBe(103);
    for (const layer of model.layers) for (const [param, p] of Object.entries(layer.params)) expect(densify(decoded.tensors.get(`${layer.name}/${param}`)!)).toEqual(p!.values);
    expect(decoded.connectivity).toEqual(new Map([['fc1/kernel', c]]));
    expect(decodeContainer(plain.bytes).connectivity).toBeUndefined();
    // The positions cost 8 header bytes instead of a gaps stream: 5 f32 centroids and 516 3-bit codes.
    expect(seeded.tensors[0].bytes).toBe(20 + 194);
    expect([seeded.bytes.length, plain.bytes.length]).toEqual([2160, 2328]);
    expect(seeded.tensors[0]).toMatchObject({ layout: 'sparse-coded', entries: 516, connectivity: c });
  });

  it('re-encodes a decoded version 7 file to the same bytes (containerInputOf keeps the connectivity)', () => {
    const { model, codebooks, connectivity } = seededModel();
    const { bytes } = encodeContainer({ model, codebooks, connectivity, stages: [{ name: 'test:make', options: {} }] }, { header: 'compact' });
    expect(encodeContainer(containerInputOf(decodeContainer(bytes)), { header: 'compact' }).bytes).toEqual(bytes);
  });

  it("reuses the codebook's exact 0 for pruned connected weights, and codes the codes stream with the encoders", () => {
    const { model, c } = seededModel();
    const positions = connectedPositions(c, 120 * 40);
    // One centroid, 0.5, at every connected position but the first, which holds the centroid 0.
    const values = new Float32Array(120 * 40);
    positions.forEach((p, j) => (values[p] = j === 0 ? 0 : 0.5));
    const cb: Codebook = { bits: 1, centroids: Float32Array.of(0.5, 0), positions: positions.slice(1), codes: new Uint8Array(positions.length - 1) };
    const layers = model.layers.map((l, i) => (i === 0 ? { ...l, params: { ...l.params, kernel: { shape: [120, 40], values } } } : l));
    const { bytes } = encodeContainer({ model: { ...model, layers }, codebooks: new Map([['fc1/kernel', cb]]), connectivity: new Map([['fc1/kernel', c]]) }, { header: 'compact' });
    const kernel = decodeContainer(bytes).tensors.get('fc1/kernel') as SparseCodedTensor;
    expect(Array.from(kernel.codebook)).toEqual([0.5, 0]);
    expect(kernel.codes[0]).toBe(1);
    expect(densify(kernel)).toEqual(values);
    // All codes equal: the constant coder takes the codes stream (4 bytes instead of 58).
    const all = { model: { ...model, layers }, codebooks: new Map([['fc1/kernel', { ...cb, positions, codes: new Uint8Array(positions.length) }]]), connectivity: new Map([['fc1/kernel', c]]) };
    const coded = encodeContainer(all, { header: 'compact', encoders: [constantCoder] });
    expect(coded.header.tensors[0].streams.codes).toMatchObject({ count: 516, bits: 1, encodings: ['test-constant'], length: 4 });
    expect(coded.header.tensors[0].connectivity).toEqual(c);
  });

  it('skips the seeded candidate when a nonzero lies outside the connectivity (and keeps zeros outside it harmless)', () => {
    const { model, codebooks, connectivity, c } = seededModel();
    const cb = codebooks.get('fc1/kernel')!;
    let outside = 0;
    while (connectivityHash(outside, c.seed) < c.keep) outside++;
    const withPosition = (code: number): Codebook => {
      const at = cb.positions.findIndex((p) => p > outside);
      const positions = Uint32Array.from([...cb.positions.subarray(0, at), outside, ...cb.positions.subarray(at)]);
      const codes = Uint8Array.from([...cb.codes.subarray(0, at), code, ...cb.codes.subarray(at)]);
      return { ...cb, centroids: Float32Array.of(...cb.centroids, 0), bits: 3, positions, codes };
    };
    const stray = encodeContainer({ model, codebooks: new Map([['fc1/kernel', withPosition(2)]]), connectivity }, { header: 'compact' });
    expect(versionOf(stray.bytes)).toBe(3);
    expect(stray.header.tensors[0].connectivity).toBeUndefined();
    const strayValues = densify(decodeContainer(stray.bytes).tensors.get('fc1/kernel')!);
    expect(strayValues[outside]).toBe(0.25);
    // A position outside whose centroid is 0 decodes to 0 either way: the candidate stands.
    const zero = encodeContainer({ model, codebooks: new Map([['fc1/kernel', withPosition(4)]]), connectivity }, { header: 'compact' });
    expect(versionOf(zero.bytes)).toBe(SEEDED_CONNECTIVITY_FORMAT_VERSION);
    expect(densify(decodeContainer(zero.bytes).tensors.get('fc1/kernel')!)).toEqual(model.layers[0].params.kernel!.values);
  });

  it('is not used with a JSON header or a forced dense layout', () => {
    const { model, codebooks, connectivity } = seededModel();
    for (const options of [{}, { header: 'json' as const, layout: 'sparse' as const }, { header: 'compact' as const, layout: 'dense' as const }]) {
      const { bytes, header } = encodeContainer({ model, codebooks, connectivity }, options);
      expect(versionOf(bytes)).toBe(options.header === 'compact' ? 3 : 2);
      expect(header.tensors.some((t) => t.connectivity)).toBe(false);
    }
  });

  it('refuses a malformed connectivity with INVALID_MODEL', () => {
    const { model, codebooks } = seededModel();
    for (const bad of [{ seed: -1, keep: 5 }, { seed: 1, keep: 0 }, { seed: 1, keep: 2 ** 32 }, { seed: 0.5, keep: 5 }]) {
      const e = thrownError(() => encodeContainer({ model, codebooks, connectivity: new Map([['fc1/kernel', bad]]) }, { header: 'compact' }));
      expect([e.code, e.tensor]).toEqual(['INVALID_MODEL', 'fc1/kernel']);
    }
  });

  it('shows in the byte table as "sparse-coded (seeded)" with 8 header bytes for its positions and no gaps', () => {
    const { model, codebooks, connectivity, c } = seededModel();
    const { bytes } = encodeContainer({ model, codebooks, connectivity }, { header: 'compact' });
    const d = describeContainer(bytes);
    expect(d.version).toBe(7);
    expect(d.tensors[0]).toMatchObject({ key: 'fc1/kernel', layout: 'sparse-coded (seeded)', entries: 516, connectivity: c, positionHeaderBytes: 8 });
    expect(d.tensors[0].streams.map((s) => s.role)).toEqual(['codebook', 'codes']);
    expect(d.tensors[1]).not.toHaveProperty('connectivity');
    expect(d.totals.gaps).toBe(0);
    const rows = byteTableRows(d);
    expect(rows.find((r) => r.section === 'fc1/kernel positions')).toEqual({
      section: 'fc1/kernel positions',
      content: `516 positions from seed 12345, keep ${c.keep}: 8 B in the header`,
      encoding: 'seeded',
      bytes: 0,
      tableBytes: 0,
      share: 0,
    });
    expect(rows.slice(0, -1).reduce((n, r) => n + r.bytes, 0)).toBe(bytes.length);
  });
});
