/**
 * Reads a format version 4 file (a tfjs GraphModel; 5, 6 and 9 with their additions, 8 a
 * LayersModel's record) with the same checks as every `.dcm` file: framing, header, section table, padding, then
 * each stream (docs/format.md §4, §9).
 */
import { densify, type CompressedTensor, type StageProvenance } from '../compressed.js';
import { DcError } from '../errors/dc-error.js';
import type { Preprocessing } from '../ir/model.js';
import { checkedSection, decodeTensor, type DecodeContainerOptions } from './decode.js';
import { LITTLE_ENDIAN } from './float-stream.js';
import { readPreamble, type Preamble } from './framing.js';
import { validateGraphModelHeader, type GraphModelHeader, type GraphModelRecord } from './graph-model-header.js';
import { FLOAT_PLANES_FORMAT_VERSION, isGraphModelVersion, type TensorHeader } from './header.js';
import { checkDataPadding } from './section-table.js';

/** One weight of a decoded GraphModel file: float32 in compressed form, int32 / bool as stored. */
export type GraphModelTensor =
  | { readonly name: string; readonly dtype: 'float32'; readonly shape: readonly number[]; readonly tensor: CompressedTensor }
  | { readonly name: string; readonly dtype: 'int32'; readonly shape: readonly number[]; readonly values: Int32Array }
  | { readonly name: string; readonly dtype: 'bool'; readonly shape: readonly number[]; readonly values: Uint8Array };

/** A decoded GraphModel file: the model.json record as written and every weight, in file order. */
export interface DecodedGraphModel {
  readonly graph: GraphModelRecord;
  readonly stages: readonly StageProvenance[];
  readonly tensors: readonly GraphModelTensor[];
  /** How the input was made from raw data when the model was compressed (docs/format.md §9.1), when the file records it. */
  readonly preprocessing?: Preprocessing;
}

/** The dense values of a decoded weight (float32 expanded; int32 / bool as stored). */
export function graphTensorValues(t: GraphModelTensor): Float32Array | Int32Array | Uint8Array {
  return t.dtype === 'float32' ? densify(t.tensor) : t.values;
}

/**
 * The preamble and validated header of a version 4, 5, 6, 8 or 9 file, after every check but the
 * streams'. A layer-graph file (versions 1-3 and 7) is `WRONG_MODEL_FORMAT`.
 */
export function readCheckedGraphModelContainer(bytes: Uint8Array): Preamble & { readonly checked: GraphModelHeader } {
  return checkGraphModelContainer(readPreamble(bytes), bytes);
}

/** {@link readCheckedGraphModelContainer} on an already read preamble of `bytes`. */
export function checkGraphModelContainer(pre: Preamble, bytes: Uint8Array): Preamble & { readonly checked: GraphModelHeader } {
  if (!isGraphModelVersion(pre.version)) {
    throw new DcError('WRONG_MODEL_FORMAT', `the file holds a layer graph (format version ${pre.version}), not a model.json record`, {
      hint: 'Read it with decodeContainer from @dc/core, or load it into tfjs with dcmHandler from @dc/core/tfjs (tf.loadLayersModel).',
    });
  }
  const checked = validateGraphModelHeader(pre.header, pre.dataLength, pre.version);
  checkDataPadding(checked.tensors, bytes.subarray(pre.dataStart));
  return { ...pre, checked };
}

function integerTensor(bytes: Uint8Array, dataStart: number, t: TensorHeader): GraphModelTensor {
  const s = t.streams.values!;
  const data = checkedSection(bytes, dataStart, t.key, s);
  const width = t.dtype === 'int32' ? 4 : 1;
  if (data.length !== s.count * width) throw new DcError('CORRUPT_STREAM', `tensor ${t.key}: a ${s.type} section of ${s.count} values must be ${s.count * width} bytes, not ${data.length}`, { tensor: t.key });
  if (t.dtype === 'bool') {
    const at = data.findIndex((v) => v > 1);
    if (at >= 0) throw new DcError('CORRUPT_STREAM', `tensor ${t.key}: bool value ${at} is ${data[at]}, not 0 or 1`, { tensor: t.key });
    return { name: t.key, dtype: 'bool', shape: t.shape, values: data.slice() };
  }
  const values = new Int32Array(s.count);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(data);
  else {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < s.count; i++) values[i] = view.getInt32(i * 4, true);
  }
  return { name: t.key, dtype: 'int32', shape: t.shape, values };
}

/**
 * Decodes the bytes of a `.dcm` file that carries a tfjs GraphModel (format version 4, 5 with
 * per-channel scales, which come back applied: see `applyChannelScales`, 6 with byte-plane
 * float streams, or 9 with integer-range codebooks, which come back as float32 values) or a LayersModel's model.json record (version 8; `graph.format` says which). Every
 * failure is a `DcError` with the codes of {@link decodeContainer} (docs/format.md §4); a
 * layer-graph file is `WRONG_MODEL_FORMAT`. Float32 values may be views of `bytes`.
 */
export function decodeGraphModelContainer(bytes: Uint8Array, options: DecodeContainerOptions = {}): DecodedGraphModel {
  const { checked, dataStart, version } = readCheckedGraphModelContainer(bytes);
  const decoders = options.decoders ?? [];
  const floatPlanes = version >= FLOAT_PLANES_FORMAT_VERSION;
  const tensors = checked.tensors.map((t): GraphModelTensor => {
    if (t.dtype !== 'float32') return integerTensor(bytes, dataStart, t);
    return { name: t.key, dtype: 'float32', shape: t.shape, tensor: decodeTensor(bytes, dataStart, checked.decoders, t, decoders, true, floatPlanes) };
  });
  return { graph: checked.graph, stages: checked.stages, tensors, ...(checked.preprocessing ? { preprocessing: checked.preprocessing } : {}) };
}

/** Reads and validates only the preamble and header of a GraphModel file (no stream is decoded). */
export function readGraphModelHeader(bytes: Uint8Array): GraphModelHeader {
  return readCheckedGraphModelContainer(bytes).checked;
}
