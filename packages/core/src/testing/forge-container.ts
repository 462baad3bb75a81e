/**
 * Forging `.dcm` files for tests and fuzzers: split a file into its header JSON and data area,
 * edit either, and join them back with every checksum made valid again, so that only the
 * reader's semantic checks stand between a hostile edit and a wrong model.
 */
import { crc32 } from '../container/crc32.js';
import { assembleFile, HEADER_DEFLATED, readPreamble, storeHeader } from '../container/framing.js';

/** A file taken apart: its format version, its parsed JSON header and its data area. */
export interface SplitContainer {
  readonly version: number;
  readonly header: unknown;
  readonly data: Uint8Array;
}

/** Takes a valid file apart (the checks of the preamble and header framing apply). */
export function splitContainer(bytes: Uint8Array): SplitContainer {
  const pre = readPreamble(bytes);
  return { version: pre.version, header: pre.header, data: bytes.slice(pre.dataStart) };
}

/** Options of {@link joinContainer}. */
export interface JoinContainerOptions {
  /** Format version written in the preamble (default 1). */
  readonly version?: number;
  /** Store the header deflated (default true). */
  readonly deflate?: boolean;
}

/**
 * A file of `headerJson` (a string, written as is) and `data` (the data area, laid out by the
 * caller), with valid preamble and header CRCs. Section CRCs are whatever the header says:
 * see {@link resealSections}.
 */
export function joinContainer(headerJson: string, data: Uint8Array, options: JoinContainerOptions = {}): Uint8Array {
  return assembleFile(storeHeader(headerJson, options.deflate ?? true), [data], [0], data.length, options.version);
}

type Sections = { tensors?: Array<{ streams?: Record<string, { offset?: unknown; length?: unknown; crc32?: unknown }> }> };

/**
 * Sets the `crc32` of every stream of `header` (a parsed header, edited in place) to the CRC of
 * the bytes its `offset` and `length` name in `data`; streams whose range is not a valid range of
 * `data` are left alone. Tolerates any junk in the header.
 */
export function resealSections(header: unknown, data: Uint8Array): void {
  const tensors = (header as Sections | null)?.tensors;
  if (!Array.isArray(tensors)) return;
  for (const t of tensors) {
    const streams = t?.streams;
    if (typeof streams !== 'object' || streams === null) continue;
    for (const s of Object.values(streams)) {
      if (typeof s !== 'object' || s === null) continue;
      const { offset, length } = s;
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) continue;
      const [o, l] = [offset as number, length as number];
      if (o >= 0 && l >= 0 && o + l <= data.length) s.crc32 = crc32(data, o, o + l);
    }
  }
}

/**
 * A file whose stored header is `stored` as is (flags 1, declaring `inflatedLength`), with valid
 * preamble and header CRCs and an empty data area.
 */
export function forgeDeflatedHeader(stored: Uint8Array, inflatedLength: number): Uint8Array {
  return assembleFile({ bytes: stored, flags: HEADER_DEFLATED, inflatedLength }, [], [], 0);
}
