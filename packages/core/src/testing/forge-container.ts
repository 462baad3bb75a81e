/**
 * Forging `.dcm` files for tests and fuzzers: split a file into its header JSON and data area,
 * edit either, and join them back with every checksum made valid again, so that only the
 * reader's semantic checks stand between a hostile edit and a wrong model.
 */
import { crc32 } from '../container/crc32.js';
import { COMPACT_HEADER_DICTIONARY } from '../container/compact-dictionary.js';
import { isCompactHeaderVersion, writeCompactHeader } from '../container/compact-header.js';
import { assembleFile, HEADER_DEFLATED, readPreamble, storeHeader } from '../container/framing.js';
import { FORMAT_VERSION, type ContainerHeader } from '../container/header.js';

/** A file taken apart: its format version, its header (parsed, and as bytes) and its data area. */
export interface SplitContainer {
  readonly version: number;
  /** The header as JSON-shaped data (a compact header of version 3 or 7 is read into that shape). */
  readonly header: unknown;
  /** The header's bytes after inflating: JSON text, or a compact header. */
  readonly headerBytes: Uint8Array;
  readonly data: Uint8Array;
}

/** Takes a valid file apart (the checks of the preamble and header framing apply). */
export function splitContainer(bytes: Uint8Array): SplitContainer {
  const pre = readPreamble(bytes);
  return { version: pre.version, header: pre.header, headerBytes: pre.text.slice(), data: bytes.slice(pre.dataStart) };
}

/**
 * A JSON-shaped header in the form format `version` stores it: JSON text (versions 1, 2) or a
 * compact header (3 and 7; throws on a header the compact writer cannot express).
 */
export function serialiseHeader(header: unknown, version: number): string | Uint8Array {
  return isCompactHeaderVersion(version) ? writeCompactHeader(header as ContainerHeader) : JSON.stringify(header);
}

/** Options of {@link joinContainer}. */
export interface JoinContainerOptions {
  /** Format version written in the preamble (default: the one the writer writes); 3 and 7 deflate with the compact headers' dictionary. */
  readonly version?: number;
  /** Store the header deflated (default true). */
  readonly deflate?: boolean;
}

/**
 * A file of `header` (JSON text or compact header bytes, written as is) and `data` (the data area,
 * laid out by the caller), with valid preamble and header CRCs. Section CRCs are whatever the
 * header says: see {@link resealSections}.
 */
export function joinContainer(header: string | Uint8Array, data: Uint8Array, options: JoinContainerOptions = {}): Uint8Array {
  const version = options.version ?? FORMAT_VERSION;
  const dictionary = isCompactHeaderVersion(version) ? COMPACT_HEADER_DICTIONARY : undefined;
  return assembleFile(storeHeader(header, options.deflate ?? true, dictionary), [data], [0], data.length, version);
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
