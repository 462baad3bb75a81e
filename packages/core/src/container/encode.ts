/** Writes a whole model into the bytes of a `.dcm` container. */
import type { Codebooks, PruneMasks } from '../artifacts.js';
import type { StageProvenance } from '../compressed.js';
import { isSeededConnectivity, type Connectivities, type SeededConnectivity } from '../connectivity.js';
import { assertOption, DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';
import { requiredOpset } from '../ops/opset.js';
import { validateModel } from '../ops/validate-model.js';
import { COMPACT_HEADER_VERSION, writeCompactHeader } from './compact-header.js';
import { frame, layoutSections } from './framing.js';
import { SEEDED_CONNECTIVITY_FORMAT_VERSION, type ContainerHeader, type StreamHeader, type StreamRole, type TensorHeader } from './header.js';
import { crc32 } from './crc32.js';
import { keepsFloat32 } from './float32-params.js';
import { planCodedTensor, planUnclusteredTensor, type LayoutOptions, type TensorEncoding } from './plan-tensor.js';
import { MAX_TENSOR_ELEMENTS } from './limits.js';
import { isBuiltInEncoding, type StreamEncoder } from './stream-codec.js';

/** What goes into a file. */
export interface ContainerInput {
  readonly model: Model;
  /** Prune masks: unclustered kept weights are stored sparsely at these positions (plus any nonzero). */
  readonly masks?: PruneMasks;
  /** Codebooks: tensors that have one are stored as codebook indices at its positions. */
  readonly codebooks?: Codebooks;
  /** Provenance recorded in the header: the stages that made the model, with their options. */
  readonly stages?: readonly StageProvenance[];
  /**
   * Seeded connectivities (`prune/connectivity`): a clustered tensor whose nonzeros all lie at the
   * connected positions of its key's connectivity may be stored by seed and keep threshold instead
   * of its positions (format version 7, compact header only; docs/format.md §2.10), where smaller.
   */
  readonly connectivity?: Connectivities;
}

/** Options of {@link encodeContainer}; every field is optional. */
export type EncodeContainerOptions = Partial<LayoutOptions>;

/** The bytes of a file and how each tensor was stored. */
export interface EncodedContainer {
  readonly bytes: Uint8Array;
  readonly header: ContainerHeader;
  /** Per tensor, in file order: layout, index width and each stream's sizes. */
  readonly tensors: readonly TensorEncoding[];
}

/**
 * The layout options with defaults filled in, after validation (`INVALID_OPTION`, naming `stage`
 * when given). Shared by {@link encodeContainer} and the stages that write files.
 */
export function resolveLayoutOptions(o: EncodeContainerOptions, stage?: string): LayoutOptions {
  const gapBits = o.gapBits ?? 'auto';
  assertOption(gapBits === 'auto' || (Number.isInteger(gapBits) && gapBits >= 1 && gapBits <= 16), 'gapBits', 'must be "auto" or an integer from 1 to 16', stage);
  const layout = o.layout ?? 'auto';
  assertOption(['auto', 'sparse', 'dense'].includes(layout), 'layout', 'must be "auto", "sparse" or "dense"', stage);
  const floatFormat = o.floatFormat ?? 'float32';
  assertOption(['float32', 'float16'].includes(floatFormat), 'floatFormat', 'must be "float32" or "float16"', stage);
  const codebookFormat = o.codebookFormat ?? 'float32';
  assertOption(['float32', 'float16'].includes(codebookFormat), 'codebookFormat', 'must be "float32" or "float16"', stage);
  const order = o.order ?? 'auto';
  assertOption(['auto', 'row', 'column'].includes(order), 'order', 'must be "auto", "row" or "column"', stage);
  const header = o.header ?? 'json';
  assertOption(['json', 'compact'].includes(header), 'header', 'must be "json" or "compact"', stage);
  const provenance = o.provenance ?? true;
  assertOption(typeof provenance === 'boolean', 'provenance', 'must be true or false', stage);
  const encoders = o.encoders ?? [];
  assertOption(Array.isArray(encoders), 'encoders', 'must be an array of stream encoders', stage);
  for (const e of encoders) {
    assertOption(!isBuiltInEncoding(e.encoding), 'encoders', `the encoding name "${e.encoding}" is core's own (raw, range)`, stage);
    assertOption(/^[a-z0-9][a-z0-9._:-]*$/.test(e.encoding), 'encoders', `invalid encoding name "${e.encoding}"`, stage);
  }
  assertOption(new Set(encoders.map((e) => e.encoding)).size === encoders.length, 'encoders', 'two encoders have the same encoding name', stage);
  return { gapBits, layout, floatFormat, codebookFormat, order, header, provenance, encoders };
}

/** The streams of `plans` laid out in a data area, with their tensor entries and the decoders they need. */
export interface PlacedStreams {
  readonly sections: readonly Uint8Array[];
  readonly offsets: readonly number[];
  /** Bytes of the data area. */
  readonly length: number;
  readonly tensors: TensorHeader[];
  /** For each non-raw encoding used, its decoder module. */
  readonly decoders: Record<string, string>;
}

/**
 * Places the streams of `plans` (in order) in the data area and writes each tensor's entry:
 * layout, sparse fields and streams with their offsets, lengths and CRCs (docs/format.md §2.2).
 */
export function placeStreams(plans: readonly TensorEncoding[], encoders: readonly StreamEncoder[]): PlacedStreams {
  const sections = plans.flatMap((p) => p.streams.map((s) => s.data));
  const { offsets, length } = layoutSections(sections.map((s) => s.length));
  const decoders: Record<string, string> = {};
  let next = 0;
  const tensors: TensorHeader[] = plans.map((p) => {
    const streams: Partial<Record<StreamRole, StreamHeader>> = {};
    for (const s of p.streams) {
      const offset = offsets[next++];
      // Core reads its own encodings (raw, range) without a decoder module.
      if (!isBuiltInEncoding(s.encoding)) decoders[s.encoding] = encoders.find((e) => e.encoding === s.encoding)!.decoderModule;
      streams[s.role] = {
        type: s.type,
        ...(s.bits === undefined ? {} : { bits: s.bits }),
        count: s.count,
        encodings: [s.encoding],
        offset,
        length: s.data.length,
        crc32: crc32(s.data),
      };
    }
    const sparse = p.layout === 'sparse' || p.layout === 'sparse-coded';
    const gapFields = p.connectivity ? { connectivity: p.connectivity } : { gapBits: p.gapBits, ...(p.order === 'column' ? { order: 'column' as const } : {}) };
    const sparseFields = sparse ? { entries: p.entries, ...gapFields } : {};
    return { key: p.key, ...(p.dtype === undefined ? {} : { dtype: p.dtype }), shape: [...p.shape], layout: p.layout, ...sparseFields, streams };
  });
  return { sections, offsets, length, tensors, decoders };
}

/** The seeded connectivity of `key` in `input`, if any; `INVALID_MODEL` when it is malformed. */
function connectivityOf(input: ContainerInput, key: string): SeededConnectivity | undefined {
  const c = input.connectivity?.get(key);
  if (c === undefined || isSeededConnectivity(c)) return c;
  throw new DcError('INVALID_MODEL', `the connectivity of ${key} must be { seed: 0..2^32 - 1, keep: 1..2^32 - 1 } (integers)`, {
    tensor: key,
    hint: 'Pass the connectivities the prune stage provides under prune/connectivity: seed and keep, unsigned 32-bit integers, keep at least 1.',
  });
}

/**
 * Encodes `input.model` (every kernel and bias) into `.dcm` bytes. Clustered tensors (with a
 * codebook) are stored as codebook indices, the others as floats, or as the indices of their
 * exact codebook where their values repeat and that is smaller (a converter's `uint8` weights;
 * decoded to the same values); each tensor sparse or dense, whichever is smaller unless `layout`
 * forces one; with a compact header, a clustered tensor whose mask is a seeded connectivity
 * (`input.connectivity`) by seed instead of positions where smaller (format version 7, written only
 * then). See docs/format.md.
 */
export function encodeContainer(input: ContainerInput, options: EncodeContainerOptions = {}): EncodedContainer {
  const opts = resolveLayoutOptions(options);
  const { model } = input;
  validateModel(model);
  const plans = listParams(model).map((ref) => {
    if (ref.tensor.values.length > MAX_TENSOR_ELEMENTS) {
      throw new DcError('INVALID_MODEL', `${ref.key} has ${ref.tensor.values.length} elements: the format holds tensors of at most 2^28`, { tensor: ref.key });
    }
    const cb = input.codebooks?.get(ref.key);
    if (cb?.scales) {
      throw new DcError('INVALID_MODEL', `${ref.key}: per-channel scales are stored in GraphModel files only (format version 5)`, {
        tensor: ref.key,
        hint: 'Cluster layer-graph tensors without channel scales, or write a GraphModel with encodeGraphModelContainer.',
      });
    }
    const connectivity = connectivityOf(input, ref.key);
    if (cb) return planCodedTensor(ref.key, ref.tensor, cb, opts, connectivity);
    return planUnclusteredTensor(ref.key, ref.tensor, input.masks?.get(ref.key), keepsFloat32(ref) ? { ...opts, floatFormat: 'float32' } : opts);
  });
  const { sections, offsets, length, tensors, decoders } = placeStreams(plans, opts.encoders);
  const layers = model.layers.map((l) => ({ name: l.name, config: l.config, ...(l.inputs === undefined ? {} : { inputs: [...l.inputs] }) }));
  const header: ContainerHeader = {
    opset: requiredOpset({ ...(model.inputName === undefined ? {} : { inputName: model.inputName }), layers }),
    model: {
      name: model.name,
      inputShape: [...model.inputShape],
      ...(model.inputName === undefined ? {} : { inputName: model.inputName }),
      layers,
      ...(model.preprocessing === undefined ? {} : { preprocessing: { scale: [...model.preprocessing.scale], offset: [...model.preprocessing.offset] } }),
      ...(model.training === undefined ? {} : { training: { ...model.training } }),
    },
    stages: opts.provenance ? (input.stages ?? []) : [],
    decoders,
    tensors,
  };
  const compactVersion = tensors.some((t) => t.connectivity) ? SEEDED_CONNECTIVITY_FORMAT_VERSION : COMPACT_HEADER_VERSION;
  const bytes = opts.header === 'compact' ? frame(writeCompactHeader(header), sections, offsets, length, compactVersion) : frame(JSON.stringify(header), sections, offsets, length);
  return { bytes, header, tensors: plans };
}
