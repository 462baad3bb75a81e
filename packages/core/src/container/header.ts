/**
 * The `.dcm` header: its TypeScript shape and the constants of the preamble. The byte-by-byte
 * specification is docs/format.md.
 */
import type { CompressedTensor, ModelTopology, StageProvenance } from '../compressed.js';
import type { SeededConnectivity } from '../connectivity.js';

/** The 8 magic bytes: `\x89 D C M \r \n \x1a \n` (PNG-style: catches text-mode and 7-bit mangling). */
export const MAGIC = Object.freeze([0x89, 0x44, 0x43, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * The format version this code writes by default (JSON header). Version 2 added graphs (`inputs`,
 * `inputName`), the `opset` field, `preprocessing` and the op set 2 node kinds; version 1 files
 * still read (their op set is 1).
 */
export const FORMAT_VERSION = 2;
/**
 * The newest format version this code reads: version 3 is version 2 with a compact binary header
 * (compact-header.ts), written on request (`encodeContainer(..., { header: 'compact' })`); version
 * 4 holds a tfjs GraphModel (graph-model-header.ts); version 5 is version 4 with per-channel scales;
 * version 6 is version 5 with byte-plane float streams; version 7 is version 3 with seeded
 * connectivity; version 8 holds a tfjs LayersModel's model.json as given, with everything of version 6;
 * version 9 is version 6 (a GraphModel) with integer-range codebooks.
 */
export const NEWEST_FORMAT_VERSION = 9;
/**
 * The format version of files that carry a tfjs GraphModel (a TensorFlow GraphDef and its named
 * weights) instead of a layer graph: JSON header, docs/format.md §9.
 */
export const GRAPH_MODEL_FORMAT_VERSION = 4;
/**
 * The format version of GraphModel files in which a coded tensor carries per-channel scales (a
 * `scales` stream, docs/format.md §9.3); written only when some tensor has them, so files without
 * scales stay version 4, and readers of version 4 refuse these with `UNSUPPORTED_VERSION`.
 */
export const CHANNEL_SCALES_FORMAT_VERSION = 5;
/**
 * The format version of GraphModel files in which a float stream may be stored as entropy-coded
 * byte planes (float-planes.ts, docs/format.md §9.4); everything of version 5 holds. Written only
 * when some stream is, so readers of version 5 refuse these with `UNSUPPORTED_VERSION`.
 */
export const FLOAT_PLANES_FORMAT_VERSION = 6;

/**
 * The format version of layer-graph files with the compact header (version 3, compact-header.ts)
 * in which a `sparse-coded` tensor may carry seeded connectivity: its positions regenerated from a
 * 32-bit seed and keep threshold (`connectedPositions`, docs/format.md §2.10) instead of a `gaps`
 * stream. Written only when some tensor is seeded, so files without one stay version 3 (or 2), and
 * readers of version 3 refuse these with `UNSUPPORTED_VERSION`. Not a GraphModel version.
 */
export const SEEDED_CONNECTIVITY_FORMAT_VERSION = 7;
/**
 * Bytes a seeded tensor's connectivity takes in the compact header (`u32` seed, `u32` keep), in
 * place of the `gapBits` byte and the `gaps` stream's record.
 */
export const SEEDED_CONNECTIVITY_HEADER_BYTES = 8;

/**
 * The format version of files that carry a tfjs LayersModel's model.json record as given (its
 * Keras topology never converted to a layer graph) beside its named weights: a version 6 file
 * whose `graph` record is `format: "layers-model"` (docs/format.md §9.5), for models the layer
 * graph cannot hold (several inputs or outputs, shared layers, layers without a node kind).
 * Readers of versions up to 7 refuse these with `UNSUPPORTED_VERSION`.
 */
export const LAYERS_MODEL_RECORD_FORMAT_VERSION = 8;

/**
 * The format version of GraphModel files in which a codebook may be stored as an integer range:
 * encoding `range`, its section the int32 first value of `count` consecutive integers
 * (integer-range.ts, docs/format.md §9.6); everything of version 6 holds, and the `graph` record is
 * a GraphModel's (a LayersModel's record stays version 8, without ranges). Written only when some
 * codebook is a range, so readers of versions up to 8 refuse these with `UNSUPPORTED_VERSION`.
 */
export const INTEGER_RANGE_FORMAT_VERSION = 9;

/**
 * Whether a file of format `version` carries a model.json record and named weights instead of a
 * layer graph: a tfjs GraphModel (versions 4 to 6 and 9) or a LayersModel kept as given (version 8).
 */
export function isGraphModelVersion(version: number): boolean {
  return (
    (version >= GRAPH_MODEL_FORMAT_VERSION && version <= FLOAT_PLANES_FORMAT_VERSION) ||
    version === LAYERS_MODEL_RECORD_FORMAT_VERSION ||
    version === INTEGER_RANGE_FORMAT_VERSION
  );
}
/** The oldest format version this code reads. */
export const OLDEST_FORMAT_VERSION = 1;
/** Bytes of the fixed preamble before the JSON header. */
export const PREAMBLE_BYTES = 32;
/** Every section starts at a multiple of this many bytes (float64-safe zero-copy views). */
export const SECTION_ALIGNMENT = 8;

/**
 * What a stream holds before encoding: unsigned symbols of `bits` bits, float values, or (format
 * version 4 only, the values of `int32` / `bool` tensors) raw 32-bit integers and bytes.
 */
export type StreamType = 'symbols' | 'f32' | 'f16' | 'i32' | 'u8';

/** Whether a stream of `type` holds float values (`f32` / `f16`). */
export function isFloatType(type: StreamType): type is 'f32' | 'f16' {
  return type === 'f32' || type === 'f16';
}

/** The role of a stream within its tensor. */
export type StreamRole = 'codebook' | 'codes' | 'gaps' | 'values' | 'scales';

/** One binary section: a stream of a tensor. */
export interface StreamHeader {
  readonly type: StreamType;
  /** Symbol width (1..16) for `symbols` streams. */
  readonly bits?: number;
  /** Number of symbols or values. */
  readonly count: number;
  /** Encodings applied, in order (v1: exactly one; `raw`, e.g. `huffman`, or in version 9 `range` for a codebook). */
  readonly encodings: readonly string[];
  /** Byte offset from the start of the data area (a multiple of 8). */
  readonly offset: number;
  /** Byte length of the stored section. */
  readonly length: number;
  /** CRC-32 of the stored section. */
  readonly crc32: number;
}

/** The element type of a GraphModel weight (format version 4); layer files hold float32 only. */
export type TensorDtype = 'float32' | 'int32' | 'bool';

/** One parameter tensor. */
export interface TensorHeader {
  /** `<layer>/<param>`; in a GraphModel file (version 4), the weight's name. */
  readonly key: string;
  /** Format version 4 only: the weight's dtype (`int32` and `bool` tensors are dense, `i32` / `u8` values). */
  readonly dtype?: TensorDtype;
  readonly shape: readonly number[];
  readonly layout: CompressedTensor['layout'];
  /** Sparse layouts: number of stored (nonzero) entries. */
  readonly entries?: number;
  /** Sparse layouts: bits per relative index (see gaps.ts); absent for a seeded tensor. */
  readonly gapBits?: number;
  /** Sparse layouts: `'column'` when entries are stored in column order (order.ts); absent for row order. */
  readonly order?: 'row' | 'column';
  /**
   * Format version 7, `sparse-coded` only: the positions are the connected positions of this
   * seeded connectivity, in row order (docs/format.md §2.10); the tensor then has no `gapBits`,
   * no `order` and no `gaps` stream, and `entries` is the number of connected positions.
   */
  readonly connectivity?: SeededConnectivity;
  readonly streams: Readonly<Partial<Record<StreamRole, StreamHeader>>>;
}

/** The model part of the header: topology without parameters. */
export type ModelHeader = ModelTopology;

/** The JSON header. */
export interface ContainerHeader {
  /** The op set the model needs (format v2; a v1 file's is 1). */
  readonly opset: number;
  readonly model: ModelHeader;
  /** Provenance: the stages that produced the model, with their options. */
  readonly stages: readonly StageProvenance[];
  /** For each non-raw encoding used, the module whose decoder reads it. */
  readonly decoders: Readonly<Record<string, string>>;
  readonly tensors: readonly TensorHeader[];
}

/** The streams each layout stores. */
export const LAYOUT_STREAMS: Readonly<Record<CompressedTensor['layout'], readonly StreamRole[]>> = {
  dense: ['values'],
  'dense-coded': ['codebook', 'codes'],
  sparse: ['gaps', 'values'],
  'sparse-coded': ['codebook', 'codes', 'gaps'],
};

/** The streams of a seeded `sparse-coded` tensor (format version 7): its positions need no `gaps`. */
export const SEEDED_STREAMS: readonly StreamRole[] = ['codebook', 'codes'];
