/**
 * The data area's section table: the non-empty sections, ordered by offset, must tile the data
 * area (the first starts at 0, each next one at the end of the one before rounded up to a multiple
 * of 8), the area ends where the last section (of any length) ends, and the few padding bytes
 * between them must be zero. So no two streams share a byte, and a valid file holds no byte that
 * its header and CRCs do not pin down. (Sections of length 0 may sit at any aligned offset up to
 * the rounded-up end of the non-empty section before them; the writer puts them there.)
 */
import { DcError } from '../errors/dc-error.js';
import { align } from './framing.js';
import type { TensorHeader } from './header.js';

interface Span {
  readonly key: string;
  readonly role: string;
  readonly offset: number;
  readonly end: number;
}

function spansOf(tensors: readonly TensorHeader[]): Span[] {
  const spans: Span[] = [];
  for (const t of tensors) {
    for (const [role, s] of Object.entries(t.streams)) if (s.length > 0) spans.push({ key: t.key, role, offset: s.offset, end: s.offset + s.length });
  }
  return spans.sort((a, b) => a.offset - b.offset);
}

const name = (s: Span): string => `the ${s.role} stream of ${s.key}`;

/**
 * `OUT_OF_BOUNDS` if a section of `tensors` reaches past a data area of `dataLength` bytes, else
 * `BAD_HEADER` unless the sections tile it (see above).
 */
export function checkSectionTable(tensors: readonly TensorHeader[], dataLength: number): void {
  for (const t of tensors) {
    for (const [role, s] of Object.entries(t.streams)) {
      if (s.offset + s.length > dataLength) throw new DcError('OUT_OF_BOUNDS', `the ${role} stream of ${t.key} spans bytes ${s.offset}..${s.offset + s.length} of a data area of ${dataLength} bytes`, { tensor: t.key });
    }
  }
  let end = 0;
  let previous: Span | undefined;
  for (const s of spansOf(tensors)) {
    if (previous && s.offset < end) throw new DcError('BAD_HEADER', `${name(previous)} and ${name(s)} overlap (bytes ${s.offset}..${Math.min(end, s.end)} of the data area)`, { tensor: s.key });
    if (s.offset > align(end)) throw new DcError('BAD_HEADER', `bytes ${end}..${s.offset} of the data area are not covered by any section`, { tensor: s.key });
    end = s.end;
    previous = s;
  }
  let last = 0;
  for (const t of tensors) for (const s of Object.values(t.streams)) last = Math.max(last, s.offset + s.length);
  if (last !== dataLength || dataLength > align(end)) throw new DcError('BAD_HEADER', `bytes ${end}..${dataLength} of the data area are not covered by any section`);
}

/** `BAD_PADDING` unless the bytes between the (tiling) sections of `tensors` in `data` are zero. */
export function checkDataPadding(tensors: readonly TensorHeader[], data: Uint8Array): void {
  for (const s of spansOf(tensors)) {
    for (let i = s.end; i < align(s.end) && i < data.length; i++) {
      if (data[i] !== 0) throw new DcError('BAD_PADDING', `padding byte ${i} of the data area, after ${name(s)}, is ${data[i]}, not 0`, { tensor: s.key });
    }
  }
}
