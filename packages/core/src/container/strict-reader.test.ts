import { describe, expect, it } from 'vitest';
import { thrownError, thrownErrorCode as codeOf } from '../testing/error-code.js';
import { joinContainer, resealSections, splitContainer } from '../testing/forge-container.js';
import { tinyGraphModel } from '../testing/fixtures.js';
import { validateModel } from '../ops/validate-model.js';
import { decodeContainer } from './decode.js';
import { encodeContainer } from './encode.js';
import { sampleFile } from './sample-file.test-support.js';

// The header is edited as free-form JSON here, on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The sample split into an editable header and data area. */
function parts(options = {}): { header: Json; data: Uint8Array } {
  const { header, data } = splitContainer(sampleFile(options).bytes);
  return { header: structuredClone(header), data: data.slice() };
}

/** Joins an edited header and data area with every checksum (sections included) valid again. */
function forge(header: Json, data: Uint8Array, deflate = true): Uint8Array {
  resealSections(header, data);
  return joinContainer(JSON.stringify(header), data, { deflate });
}

function stream(header: Json, key: string, role: string): { offset: number; length: number; count: number; bits?: number } {
  return header.tensors.find((t: Json) => t.key === key).streams[role];
}

describe('strict reader: sections', () => {
  it('the unedited sample decodes after a split and join', () => {
    const { header, data } = parts();
    expect(decodeContainer(forge(header, data)).tensors.size).toBe(5);
  });

  it('BAD_HEADER for two streams on the same bytes (aliased) or partly overlapping', () => {
    const aliased = parts();
    const [a, b] = [stream(aliased.header, 'fc1/bias', 'values'), stream(aliased.header, 'fc3/bias', 'values')];
    b.offset = a.offset; // same length and type: the old reader took fc1's bias for fc3's
    expect(codeOf(() => decodeContainer(forge(aliased.header, aliased.data)))).toBe('BAD_HEADER');
    const overlap = parts();
    const [bias, kernel] = [stream(overlap.header, 'fc1/bias', 'values'), stream(overlap.header, 'fc2/kernel', 'values')];
    expect(kernel.offset).toBe(bias.offset + bias.length);
    kernel.offset -= 8; // its first 8 bytes are now also the last 8 of fc1's bias
    expect(() => decodeContainer(forge(overlap.header, overlap.data))).toThrow(/overlap/);
  });

  it('BAD_HEADER for data-area bytes that no section covers (beyond alignment padding)', () => {
    const tail = parts();
    const longer = new Uint8Array(tail.data.length + 8);
    longer.set(tail.data);
    expect(codeOf(() => decodeContainer(forge(tail.header, longer)))).toBe('BAD_HEADER');
    const gap = parts();
    const last = stream(gap.header, 'fc3/bias', 'values');
    const moved = new Uint8Array(gap.data.length + 16);
    moved.set(gap.data.subarray(0, last.offset));
    moved.set(gap.data.subarray(last.offset), last.offset + 16);
    last.offset += 16;
    expect(() => decodeContainer(forge(gap.header, moved))).toThrow(/not covered by any section/);
  });

  it('BAD_PADDING for a non-zero byte after the header or between sections', () => {
    const between = parts();
    const codes = stream(between.header, 'fc1/kernel', 'codes');
    const end = codes.offset + codes.length;
    expect(end % 8).not.toBe(0);
    between.data[end] = 0x20;
    expect(codeOf(() => decodeContainer(forge(between.header, between.data)))).toBe('BAD_PADDING');
    // A plain header whose end leaves padding before the data area.
    const after = parts();
    after.header.model.name = 'sample';
    while ((32 + JSON.stringify(after.header).length) % 8 !== 4) after.header.model.name += '_';
    const file = forge(after.header, after.data, false);
    expect(codeOf(() => decodeContainer(file))).toBe('no error');
    file[32 + JSON.stringify(after.header).length + 1] = 0x0a;
    expect(codeOf(() => decodeContainer(file))).toBe('BAD_PADDING');
  });
});

describe('strict reader: streams', () => {
  it('CORRUPT_STREAM for non-zero padding bits after a raw bit-packed stream', () => {
    for (const role of ['codes', 'gaps']) {
      const { header, data } = parts();
      const s = stream(header, 'fc1/kernel', role);
      expect((s.count * s.bits!) % 8).not.toBe(0);
      data[s.offset + s.length - 1] |= 0x80;
      expect([role, codeOf(() => decodeContainer(forge(header, data)))]).toEqual([role, 'CORRUPT_STREAM']);
    }
  });

  it('NON_FINITE_VALUE naming the tensor for a NaN or infinite codebook entry or value', () => {
    const cases: Array<[string, string, number, object]> = [
      ['fc1/kernel', 'codebook', NaN, {}],
      ['fc1/kernel', 'codebook', -Infinity, {}],
      ['fc1/bias', 'values', Infinity, {}],
      ['fc3/bias', 'values', NaN, {}],
    ];
    for (const [key, role, value, options] of cases) {
      const { header, data } = parts(options);
      const s = stream(header, key, role);
      new DataView(data.buffer).setFloat32(s.offset + 4, value, true);
      const e = thrownError(() => decodeContainer(forge(header, data)));
      expect([key, value, e.code, e.tensor]).toEqual([key, value, 'NON_FINITE_VALUE', key]);
    }
    for (const bits of [0x7c00, 0xfc00, 0x7e00]) {
      const { header, data } = parts({ floatFormat: 'float16' });
      const s = stream(header, 'fc1/bias', 'values');
      new DataView(data.buffer).setUint16(s.offset + 2, bits, true);
      const e = thrownError(() => decodeContainer(forge(header, data)));
      expect([bits, e.code, e.tensor]).toEqual([bits, 'NON_FINITE_VALUE', 'fc1/bias']);
    }
  });

  it('VALUE_OUT_OF_RANGE naming the tensor for a batch-norm variance that makes x / sqrt(variance + epsilon) infinite or NaN', () => {
    // Found by pnpm fuzz: such a file loaded and predicted NaN.
    const { header, data } = splitContainer(encodeContainer({ model: tinyGraphModel() }).bytes) as { header: Json; data: Uint8Array };
    const s = stream(header, 'bn/movingVariance', 'values');
    expect(codeOf(() => decodeContainer(forge(header, data.slice())))).toBe('no error');
    for (const [value, epsilon] of [[-0.5, 1e-3], [-1e-3, 1e-3], [0, 0]]) {
      const edited = data.slice();
      new DataView(edited.buffer).setFloat32(s.offset + 4, value, true);
      const h = structuredClone(header);
      h.model.layers.find((l: Json) => l.name === 'bn').config.epsilon = epsilon;
      const e = thrownError(() => decodeContainer(forge(h, edited)));
      expect([value, epsilon, e.code, e.tensor]).toEqual([value, epsilon, 'VALUE_OUT_OF_RANGE', 'bn/movingVariance']);
    }
    // The same rule for IR models.
    const model = tinyGraphModel();
    const bn = model.layers.find((l) => l.name === 'bn')!;
    bn.params.movingVariance!.values[1] = -2;
    expect(thrownError(() => validateModel(model)).code).toBe('VALUE_OUT_OF_RANGE');
  });

  it('the writer refuses what the reader would refuse: NaN weights, float16 overflow', () => {
    const model = { name: 'm', inputShape: [2], layers: [{ name: 'fc', config: { kind: 'dense' as const, units: 1, activation: 'linear' as const, useBias: false }, params: { kernel: { shape: [2, 1], values: Float32Array.of(1, NaN) } } }] };
    expect(codeOf(() => encodeContainer({ model }))).toBe('NON_FINITE_VALUE');
    const big = structuredClone(model);
    big.layers[0].params.kernel.values = Float32Array.of(1, 70000);
    expect(codeOf(() => encodeContainer({ model: big }))).toBe('no error');
    expect(codeOf(() => encodeContainer({ model: big }, { floatFormat: 'float16' }))).toBe('NON_FINITE_VALUE');

  });
});

describe('strict reader: declared sizes are bounded before anything is allocated', () => {
  it('BAD_HEADER for JSON nested deeper than 64 (serialising the provenance again would overflow the stack)', () => {
    const { header, data } = parts();
    const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const withOptions = (depth: number): string => JSON.stringify({ ...header, stages: [{ name: 'x', options: 0 }] }).replace('"options":0', `"options":${nested(depth)}`);
    expect(() => JSON.stringify(JSON.parse(nested(10_000)))).toThrow(RangeError);
    expect(codeOf(() => decodeContainer(joinContainer(withOptions(10_000), data)))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeContainer(joinContainer(withOptions(62), data)))).toBe('BAD_HEADER'); // 3 levels above the options
    expect(JSON.stringify(decodeContainer(joinContainer(withOptions(61), data)).stages)).toContain('"a"');
  });

  it('BAD_HEADER for a tensor of more than 2^28 elements, even sparse with no entries', () => {
    const { header, data } = parts();
    // The old reader decoded this into a tensor of 4.3e9 elements, which densifying then tried to allocate.
    const t = header.tensors.find((x: Json) => x.key === 'fc1/kernel');
    t.shape = [65535, 65535];
    t.entries = 0;
    for (const role of ['codes', 'gaps']) Object.assign(t.streams[role], { count: 0, length: 0 });
    const data2 = data.slice();
    const codes = t.streams.codes;
    data2.fill(0, codes.offset, stream(header, 'fc1/bias', 'values').offset);
    expect(() => decodeContainer(forge(header, data2))).toThrow(/2\^28/);
  });

  it('BAD_HEADER for more gap symbols than entries plus fillers can need', () => {
    const gaps = parts();
    const t = gaps.header.tensors.find((x: Json) => x.key === 'fc1/kernel');
    t.streams.gaps.count = t.entries + Math.floor(1024 / 7) + 1;
    expect(() => decodeContainer(forge(gaps.header, gaps.data))).toThrow(/gap symbols/);
  });
});
