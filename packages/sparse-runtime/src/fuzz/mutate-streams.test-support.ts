/**
 * Mutations of a file's data area, stream by stream: bit flips, overwrites, special float values,
 * tables of entropy-coded streams, and sections cut or grown with the section table laid out again
 * (so that the stream's own checks, not the table's, have to catch it).
 */
import type { RandomSource } from '@dc/core';
import type { Json } from './mutate-json.test-support.js';

interface StreamRef {
  readonly stream: { offset: number; length: number; count?: number; type?: string };
}

const SPECIAL_FLOATS = [NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, -0, 65504, 1e30];

/** The streams of `header` whose offset and length are a valid range of `data`. */
function streamsOf(header: Json, data: Uint8Array): StreamRef[] {
  const tensors = (header as { tensors?: unknown } | null)?.tensors;
  if (!Array.isArray(tensors)) return [];
  const out: StreamRef[] = [];
  for (const t of tensors) {
    const streams = (t as { streams?: unknown } | null)?.streams;
    if (typeof streams !== 'object' || streams === null) continue;
    for (const s of Object.values(streams) as Array<StreamRef['stream']>) {
      if (typeof s !== 'object' || s === null || !Number.isInteger(s.offset) || !Number.isInteger(s.length)) continue;
      if (s.offset >= 0 && s.length >= 0 && s.offset + s.length <= data.length) out.push({ stream: s });
    }
  }
  return out;
}

/**
 * Moves the sections of `refs` so that they tile a new data area again (in offset order, each at
 * the next multiple of 8), after `resized` got `bytes` as its new content.
 */
function relayout(data: Uint8Array, refs: readonly StreamRef[], resized: StreamRef, bytes: Uint8Array): Uint8Array {
  const ordered = [...refs].sort((a, b) => a.stream.offset - b.stream.offset);
  const contents = ordered.map((x) => (x === resized ? bytes : data.slice(x.stream.offset, x.stream.offset + x.stream.length)));
  let end = 0;
  const offsets = contents.map((c) => {
    const at = Math.ceil(end / 8) * 8;
    end = at + c.length;
    return at;
  });
  const out = new Uint8Array(end);
  ordered.forEach((x, i) => {
    out.set(contents[i], offsets[i]);
    x.stream.offset = offsets[i];
    x.stream.length = contents[i].length;
  });
  return out;
}

/**
 * One mutation of a stream of `header` in `data`; returns the (possibly new) data area and what it
 * did. `header` is edited in place when a section moves or changes length.
 */
export function mutateStreams(r: RandomSource, header: Json, data: Uint8Array): { data: Uint8Array; what: string } {
  const refs = streamsOf(header, data);
  const nonEmpty = refs.filter((x) => x.stream.length > 0);
  if (nonEmpty.length === 0) return { data, what: 'no stream' };
  const ref = nonEmpty[r.int(nonEmpty.length)];
  const { offset, length } = ref.stream;
  const out = data.slice();
  const at = (): number => offset + r.int(length);
  switch (r.int(7)) {
    case 0:
      for (let k = 0; k < 1 + r.int(3); k++) out[at()] ^= 1 << r.int(8);
      return { data: out, what: 'flipped bits' };
    case 1:
      for (let k = 0; k < 1 + r.int(8); k++) out[at()] = r.int(256);
      return { data: out, what: 'overwrote bytes' };
    case 2: {
      // The first bytes: a code table for entropy-coded streams, the first values for floats.
      const n = Math.min(length, 1 + r.int(6));
      for (let k = 0; k < n; k++) out[offset + k] = r.next() < 0.5 ? r.int(256) : out[offset + k] ^ (1 << r.int(8));
      return { data: out, what: 'edited the table' };
    }
    case 3:
      if (ref.stream.type === 'f32' && length >= 4) {
        new DataView(out.buffer).setFloat32(offset + 4 * r.int(length >> 2), SPECIAL_FLOATS[r.int(SPECIAL_FLOATS.length)], true);
        return { data: out, what: 'special f32' };
      }
      out.fill(r.next() < 0.5 ? 0 : 0xff, offset, offset + length);
      return { data: out, what: 'filled a section' };
    case 4: {
      const cut = data.slice(offset, offset + r.int(length));
      return { data: relayout(data, refs, ref, cut), what: 'cut a section' };
    }
    case 5: {
      const grown = new Uint8Array(length + 1 + r.int(16));
      grown.set(data.subarray(offset, offset + length));
      if (r.next() < 0.5) for (let k = length; k < grown.length; k++) grown[k] = r.int(256);
      return { data: relayout(data, refs, ref, grown), what: 'grew a section' };
    }
    default: {
      const other = nonEmpty[r.int(nonEmpty.length)];
      const a = out.slice(offset, offset + length);
      const b = data.slice(other.stream.offset, other.stream.offset + other.stream.length);
      out.set(b.subarray(0, length), offset);
      out.set(a.subarray(0, other.stream.length), other.stream.offset);
      return { data: out, what: 'swapped section bytes' };
    }
  }
}
