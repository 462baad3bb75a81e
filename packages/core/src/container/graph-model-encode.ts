/**
 * Writes a tfjs GraphModel into a format version 4 `.dcm` file: the model.json record kept as
 * given, and each weight by name in the given order: float32 weights through the same layouts,
 * streams and coders as layer files, int32 / bool weights as raw `i32` / `u8` values.
 */
import type { Codebook } from '../artifacts.js';
import type { StageProvenance } from '../compressed.js';
import type { Preprocessing } from '../ir/model.js';
import { DcError, isDcError } from '../errors/dc-error.js';
import { resolveLayoutOptions, placeStreams, type EncodeContainerOptions } from './encode.js';
import { losslessCodebookFormat } from './codebook-storage.js';
import { exactInFloat16 } from './float16.js';
import { frame } from './framing.js';
import { validateGraphModelHeader, type GraphModelHeader, type GraphModelRecord } from './graph-model-header.js';
import { CHANNEL_SCALES_FORMAT_VERSION, FLOAT_PLANES_FORMAT_VERSION, GRAPH_MODEL_FORMAT_VERSION, INTEGER_RANGE_FORMAT_VERSION, LAYERS_MODEL_RECORD_FORMAT_VERSION, isFloatType, type TensorDtype } from './header.js';
import { MAX_TENSOR_ELEMENTS } from './limits.js';
import { planCodedTensor, planUnclusteredTensor, type FloatLayoutOptions, type TensorEncoding } from './plan-tensor.js';
import { isBuiltInEncoding, RAW_ENCODING, RANGE_ENCODING } from './stream-codec.js';

/** One weight to write: dense values, and for float32 weights optionally a codebook or a prune mask. */
export interface GraphModelWeight {
  /** The weight's name (its `Const` node; a LayersModel's weight name in a version 8 file). */
  readonly name: string;
  readonly dtype: TensorDtype;
  readonly shape: readonly number[];
  /** Dense values, row-major: `Float32Array` (float32), `Int32Array` (int32) or `Uint8Array` of 0 / 1 (bool). */
  readonly values: Float32Array | Int32Array | Uint8Array;
  /**
   * float32 only: store the weight as codebook indices (its values must be the codebook's, zeros
   * elsewhere; with `codebook.scales`, `float32(scale of its channel × centroid)`, format version 5).
   */
  readonly codebook?: Codebook;
  /** float32 only, without a codebook: positions kept by pruning (stored even where zero). */
  readonly mask?: Uint8Array;
}

/** What goes into a GraphModel file. */
export interface GraphModelContainerInput {
  readonly graph: GraphModelRecord;
  /** Every weight of the manifest, in manifest order. */
  readonly weights: readonly GraphModelWeight[];
  readonly stages?: readonly StageProvenance[];
  /** How the input was made from raw data (`x = raw · scale + offset`), recorded for readers (docs/format.md §9.1); informative. */
  readonly preprocessing?: Preprocessing;
}

/** The bytes of a GraphModel file and how each weight was stored. */
export interface EncodedGraphModelContainer {
  readonly bytes: Uint8Array;
  readonly header: GraphModelHeader;
  readonly tensors: readonly TensorEncoding[];
}

function integerPlan(w: GraphModelWeight): TensorEncoding {
  const bool = w.dtype === 'bool';
  const expected = bool ? Uint8Array : Int32Array;
  if (!(w.values instanceof expected)) throw new DcError('INVALID_MODEL', `weight ${w.name} (${w.dtype}) needs its values as ${expected.name}`, { tensor: w.name });
  if (bool && w.values.some((v) => v > 1)) throw new DcError('INVALID_MODEL', `weight ${w.name} (bool) holds values other than 0 and 1`, { tensor: w.name });
  const data = new Uint8Array(w.values.buffer.slice(w.values.byteOffset, w.values.byteOffset + w.values.byteLength));
  if (!bool && new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    const view = new DataView(data.buffer);
    w.values.forEach((v, i) => view.setInt32(i * 4, v, true));
  }
  const stream = { role: 'values' as const, type: bool ? ('u8' as const) : ('i32' as const), count: w.values.length, encoding: RAW_ENCODING, data, rawBytes: data.length, tableBytes: 0 };
  return { key: w.name, dtype: w.dtype, shape: w.shape, layout: 'dense', entries: w.values.length, streams: [stream], bytes: data.length };
}

function floatPlan(w: GraphModelWeight, opts: FloatLayoutOptions): TensorEncoding {
  if (!(w.values instanceof Float32Array)) throw new DcError('INVALID_MODEL', `weight ${w.name} (float32) needs its values as Float32Array`, { tensor: w.name });
  const tensor = { shape: w.shape, values: w.values };
  // Lossless only: float16 where every stored value is exactly a float16, else float32 (codebooks:
  // as storedCodebookBytes prices them, integer ranges included).
  const plan = w.codebook
    ? planCodedTensor(w.name, tensor, w.codebook, { ...opts, codebookFormat: losslessCodebookFormat(w.codebook.centroids) })
    : planUnclusteredTensor(w.name, tensor, w.mask, { ...opts, floatFormat: exactInFloat16(w.values) ? 'float16' : 'float32' }, true);
  return { ...plan, dtype: 'float32' };
}

/**
 * Encodes a GraphModel into `.dcm` bytes, format version 4 (docs/format.md §9), 5 when a
 * codebook carries per-channel scales (§9.3), 6 when a float stream is smaller as entropy-coded
 * byte planes (§9.4: each `values` stream keeps the smallest of raw and its planes coded by each of
 * `options.encoders`), or 9 when a codebook is stored as an integer range (§9.6: at least 3
 * consecutive integers within ±2^24, `isIntegerRange`; 4 bytes, see `storedCodebookBytes`); a
 * LayersModel's record (`graph.format` `"layers-model"`) always version 8 (§9.5), its codebooks
 * stored as floats. Each float32
 * weight is stored as its codebook indices (with `codebook`) or its float values, sparse or
 * dense, whichever is smaller, through `options.encoders` like {@link encodeContainer}; a weight
 * without a codebook whose values repeat (a converter's uint8 or float16 weights) as the indices
 * of its exact codebook where that is smaller (see `exactCodebook`); floats
 * as `f16` only where every value is exactly a float16 (so the file decodes to exactly the given
 * values; `floatFormat` and `codebookFormat` are not used). Float values may be infinite or NaN
 * (graph constants such as a -inf threshold); codebooks may not. A record or weight the reader
 * would refuse (a GraphModel's name that is no `Const` node, a repeated name, a size that does not match the
 * shape, a non-finite centroid) is `INVALID_MODEL` / `NON_FINITE_VALUE`, and nothing is written.
 */
export function encodeGraphModelContainer(input: GraphModelContainerInput, options: EncodeContainerOptions = {}): EncodedGraphModelContainer {
  // Integer ranges (version 9) for a GraphModel's record only: version 8 predates them.
  const opts = { ...resolveLayoutOptions(options), floatPlanes: true, integerRanges: input.graph.format !== 'layers-model' };
  const plans = input.weights.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (size > MAX_TENSOR_ELEMENTS) throw new DcError('INVALID_MODEL', `weight ${w.name} has ${size} elements: the format holds tensors of at most 2^28`, { tensor: w.name });
    if (w.values.length !== size) throw new DcError('INVALID_MODEL', `weight ${w.name} has ${w.values.length} values for shape [${w.shape.join(', ')}]`, { tensor: w.name });
    return w.dtype === 'float32' ? floatPlan(w, opts) : integerPlan(w);
  });
  const { sections, offsets, length, tensors, decoders } = placeStreams(plans, opts.encoders);
  const header: GraphModelHeader = { graph: input.graph, stages: opts.provenance ? (input.stages ?? []) : [], decoders, tensors, ...(input.preprocessing ? { preprocessing: input.preprocessing } : {}) };
  const json = JSON.stringify(header);
  // Version 9 only where a codebook is an integer range, 6 where a float stream is stored as byte
  // planes, 5 where a tensor carries per-channel scales: every other file stays version 4, readable
  // by older readers (9 holds everything of 6; 8 is a LayersModel's record's, without ranges).
  const ranges = plans.some((p) => p.streams.some((s) => s.encoding === RANGE_ENCODING));
  const planes = plans.some((p) => p.streams.some((s) => isFloatType(s.type) && !isBuiltInEncoding(s.encoding)));
  const scaled = plans.some((p) => p.streams.some((s) => s.role === 'scales'));
  // A LayersModel's record: version 8 (which holds everything of 6) whatever its streams.
  const version =
    input.graph.format === 'layers-model' ? LAYERS_MODEL_RECORD_FORMAT_VERSION
    : ranges ? INTEGER_RANGE_FORMAT_VERSION
    : planes ? FLOAT_PLANES_FORMAT_VERSION
    : scaled ? CHANNEL_SCALES_FORMAT_VERSION
    : GRAPH_MODEL_FORMAT_VERSION;
  try {
    validateGraphModelHeader(JSON.parse(json), length, version);
  } catch (e) {
    if (isDcError(e) && e.code === 'BAD_HEADER') throw new DcError('INVALID_MODEL', `the GraphModel cannot be written: ${e.message}`, { cause: e, ...(e.tensor === undefined ? {} : { tensor: e.tensor }) });
    throw e;
  }
  return { bytes: frame(json, sections, offsets, length, version), header, tensors: plans };
}
