import { describe, expect, it } from 'vitest';
import { thrownError, thrownErrorCode as codeOf } from '../testing/error-code.js';
import { joinContainer, serialiseHeader, splitContainer } from '../testing/forge-container.js';
import { readCompactHeader } from './compact-header.js';
import { decodeContainer } from './decode.js';
import { encodeContainer } from './encode.js';
import { decodeGraphModelContainer } from './graph-model-decode.js';
import type { ContainerHeader } from './header.js';
import { seededModel } from './seeded-file.test-support.js';
import { validateHeader } from './validate-header.js';

type Editable = { tensors: Array<Record<string, unknown> & { connectivity?: Record<string, unknown>; streams: Record<string, unknown> }> };

describe('seeded connectivity: bad input', () => {
  const { model, codebooks, connectivity } = seededModel();
  const file = encodeContainer({ model, codebooks, connectivity }, { header: 'compact' }).bytes;
  const split = splitContainer(file);
  const header = split.header as ContainerHeader;
  const edited = (edit: (h: Editable) => void): Editable => {
    const h = structuredClone(header) as unknown as Editable;
    edit(h);
    return h;
  };
  /** A version 7 file of the edited header, with valid checksums. */
  const forged = (edit: (h: Editable) => void, version = 7): Uint8Array => joinContainer(serialiseHeader(edited(edit), version), split.data, { version });
  // The seeded record: descriptor 3 | 16, varint entries 516 (84 04), u32 seed 12345 (39 30 00 00).
  const at = split.headerBytes.findIndex((_, i) => [0x13, 0x84, 0x04, 0x39, 0x30, 0, 0].every((b, j) => split.headerBytes[i + j] === b));
  const withDescriptor = (d: number): Uint8Array => Uint8Array.from(split.headerBytes, (b, i) => (i === at ? d : b));

  it('decodes the unedited file', () => {
    expect(split.version).toBe(7);
    expect(at).toBeGreaterThan(0);
    expect(decodeContainer(joinContainer(split.headerBytes, split.data, { version: 7 })).tensors.size).toBe(4);
  });

  it('refuses the seeded descriptor bit in a version 3 file, with column order, or on another layout (BAD_HEADER)', () => {
    const e = thrownError(() => decodeContainer(joinContainer(split.headerBytes, split.data, { version: 3 })));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.message).toBe('[BAD_HEADER] compact header: tensor fc1/kernel: unknown descriptor bits 19 (bit 4, seeded connectivity, needs format version 7)');
    expect(codeOf(() => readCompactHeader(split.headerBytes))).toBe('BAD_HEADER'); // read as version 3
    for (const d of [0x13 | 4, 0x12, 0x11, 0x10]) {
      expect(codeOf(() => readCompactHeader(withDescriptor(d), 7))).toBe('BAD_HEADER');
      expect(codeOf(() => decodeContainer(joinContainer(withDescriptor(d), split.data, { version: 7 })))).toBe('BAD_HEADER');
    }
    expect(codeOf(() => decodeContainer(forged((h) => (h.tensors[0].order = 'column'))))).toBe('BAD_HEADER');
  });

  it('refuses a keep of 0 and out-of-range fields (BAD_HEADER)', () => {
    expect(codeOf(() => decodeContainer(forged((h) => (h.tensors[0].connectivity!.keep = 0))))).toBe('BAD_HEADER');
    const validate = (edit: (h: Editable) => void, version = 7) => () => validateHeader(edited(edit), split.data.length, version);
    expect(codeOf(validate(() => {}))).toBe('no error');
    for (const [field, v] of [['seed', -1], ['seed', 2 ** 32], ['seed', 0.5], ['keep', 0], ['keep', 2 ** 32], ['keep', '5']] as const) {
      expect(codeOf(validate((h) => (h.tensors[0].connectivity![field] = v)))).toBe('BAD_HEADER');
    }
    expect(codeOf(validate((h) => (h.tensors[0].connectivity!.extra = 1)))).toBe('BAD_HEADER');
    expect(codeOf(validate((h) => (h.tensors[0].connectivity = [1, 2] as never)))).toBe('BAD_HEADER');
  });

  it('refuses connectivity before version 7, on other layouts, or beside gapBits, order or a gaps stream (BAD_HEADER)', () => {
    const validate = (edit: (h: Editable) => void, version = 7) => () => validateHeader(edited(edit), split.data.length, version);
    for (const version of [1, 2, 3]) expect(codeOf(validate(() => {}, version))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeContainer(joinContainer(JSON.stringify(header), split.data, { version: 2 })))).toBe('BAD_HEADER');
    expect(codeOf(validate((h) => (h.tensors[2].connectivity = { seed: 1, keep: 5 })))).toBe('BAD_HEADER'); // fc2/kernel, dense-coded
    expect(codeOf(validate((h) => (h.tensors[0].gapBits = 4)))).toBe('BAD_HEADER');
    expect(codeOf(validate((h) => (h.tensors[0].order = 'row')))).toBe('BAD_HEADER');
    expect(codeOf(validate((h) => (h.tensors[0].streams.gaps = h.tensors[0].streams.codes)))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeGraphModelContainer(file))).toBe('WRONG_MODEL_FORMAT');
  });

  it('refuses entries that differ from the connected positions (CORRUPT_STREAM, naming both counts)', () => {
    for (const entries of [515, 517]) {
      const e = thrownError(() => decodeContainer(forged((h) => (h.tensors[0].entries = entries))));
      expect([e.code, e.tensor, e.message]).toEqual(['CORRUPT_STREAM', 'fc1/kernel', `[CORRUPT_STREAM] tensor fc1/kernel: its seeded connectivity has 516 connected positions; the header says ${entries} entries`]);
    }
    const halved = thrownError(() => decodeContainer(forged((h) => (h.tensors[0].connectivity!.keep = Math.floor((h.tensors[0].connectivity!.keep as number) / 2)))));
    expect(halved.code).toBe('CORRUPT_STREAM');
  });
});
