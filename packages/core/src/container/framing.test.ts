import { describe, expect, it } from 'vitest';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { crc32 } from './crc32.js';
import { frame, HEADER_DEFLATED, readPreamble } from './framing.js';

const header = { model: { name: 'x', layers: Array.from({ length: 20 }, (_, i) => ({ name: `dense_${i}`, config: { kind: 'dense' } })) } };

/** Rewrites preamble bytes 10..27 and re-seals the preamble CRC, so only the field under test is wrong. */
function withPreamble(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  edit(view);
  view.setUint32(28, crc32(out, 0, 28), true);
  return out;
}

describe('header framing', () => {
  it('deflates a repetitive JSON header and reads it back', () => {
    const json = JSON.stringify(header);
    const bytes = frame(json, [], [], 0);
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(10, true)).toBe(HEADER_DEFLATED);
    expect(view.getUint32(24, true)).toBe(json.length);
    expect(view.getUint32(16, true)).toBeLessThan(json.length / 3);
    expect(readPreamble(bytes).header).toEqual(header);
  });

  it('stores the header plain when asked, or when deflate would not be smaller', () => {
    const plain = frame(JSON.stringify(header), [], [], 0, undefined, false);
    expect(new DataView(plain.buffer).getUint16(10, true)).toBe(0);
    expect(readPreamble(plain).header).toEqual(header);
    const tiny = frame('{}', [], [], 0);
    expect(new DataView(tiny.buffer).getUint16(10, true)).toBe(0);
  });

  it('rejects unknown flags and inconsistent inflated lengths with BAD_HEADER', () => {
    const bytes = frame(JSON.stringify(header), [], [], 0);
    expect(codeOf(() => readPreamble(withPreamble(bytes, (v) => v.setUint16(10, 2, true))))).toBe('BAD_HEADER');
    expect(codeOf(() => readPreamble(withPreamble(bytes, (v) => v.setUint32(24, 0, true))))).toBe('BAD_HEADER');
    expect(codeOf(() => readPreamble(withPreamble(bytes, (v) => v.setUint32(24, 1 << 30, true))))).toBe('BAD_HEADER');
    expect(codeOf(() => readPreamble(withPreamble(bytes, (v) => v.setUint32(24, 10, true))))).toBe('BAD_HEADER');
    const plain = frame(JSON.stringify(header), [], [], 0, undefined, false);
    expect(codeOf(() => readPreamble(withPreamble(plain, (v) => v.setUint32(24, 5, true))))).toBe('BAD_HEADER');
  });
});
