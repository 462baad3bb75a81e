/**
 * The file-writing stage: writes the model into a `.dcm` file, each symbol stream stored with the
 * smallest of raw and the entropy coders passed in, decodes that file back, and reports the
 * compression ratio of the bytes actually written, the paper's per-layer table and where the
 * bytes go. It lives in core, next to the container, so that coder packages (`@dc/huffman`,
 * `@dc/rans`) can offer presets over it without one stage package importing another.
 */
import type { StageProvenance } from '../compressed.js';
import { decodeContainer } from '../container/decode.js';
import { describeContainer } from '../container/describe.js';
import { encodeContainer, resolveLayoutOptions, type EncodeContainerOptions } from '../container/encode.js';
import { keepsFloat32 } from '../container/float32-params.js';
import type { StreamCoder } from '../container/stream-codec.js';
import { DcError } from '../errors/dc-error.js';
import { float32Bytes, listParams } from '../ir/params.js';
import type { JsonValue } from '../json.js';
import { optionChecks, type OptionChecks, type OptionKeys } from '../options/option-checks.js';
import type { Stage } from '../stage.js';
import { buildFileMetrics } from './metrics.js';
import { mismatchedTensors } from './mismatches.js';

/** The stage name of {@link encodeFile}. */
export const ENCODE_FILE_STAGE = 'dc:encode';

/** Options of {@link encodeFile}; all optional. */
export interface EncodeFileOptions extends Omit<EncodeContainerOptions, 'encoders'> {
  /**
   * Entropy coders of the symbol streams (code indices, index gaps), e.g. `huffmanCoder` from
   * `@dc/huffman`: each stream keeps the smallest of raw (fixed-width) and these. Default: none.
   * They are recorded in the file's provenance by encoding name.
   */
  readonly coders?: readonly StreamCoder[];
}

const KEYS: OptionKeys<EncodeFileOptions> = { gapBits: true, layout: true, floatFormat: true, codebookFormat: true, order: true, header: true, provenance: true, coders: true };

/** How a preset over {@link encodeFile} presents itself: its stage name and recorded options. */
export interface StageIdentity {
  readonly name: string;
  readonly options: JsonValue;
}

/**
 * Creates the file-writing stage (name `dc:encode`, or `identity.name` for a preset such as
 * `huffmanEncode()` of `@dc/huffman`). It requires nothing; it uses `prune/masks` (sparse storage
 * of kept weights), `quantize/codebooks` (weights stored as codebook indices) and
 * `prune/connectivity` (with `header: 'compact'`, seeded masks stored by seed, format version 7)
 * when earlier stages provide them, and provides `encode/file`: `{ bytes, decoded }`, where `decoded` is the
 * result of decoding `bytes` with the same coders. When the file would decode to other values
 * than the model holds (masks or codebooks that no longer describe the weights), it fails with
 * `STALE_ARTIFACT` naming the tensors rather than writing that file. Options are checked when the
 * stage is made (`INVALID_OPTION`, unknown keys included).
 *
 * ```ts
 * createPipeline().use(pruneLowMagnitude(...)).use(clusterWeights(...)).use(encodeFile({ coders: [huffmanCoder, ransCoder] }))
 * ```
 */
export function encodeFile(options: EncodeFileOptions = {}, identity?: StageIdentity): Stage<never, 'encode/file'> {
  const name = identity?.name ?? ENCODE_FILE_STAGE;
  const check: OptionChecks = optionChecks(name);
  check.object<EncodeFileOptions>(options, 'options', KEYS);
  const coders = options.coders ?? [];
  check.that(Array.isArray(coders) && coders.every((c) => typeof c?.encodeSymbols === 'function' && typeof c?.decodeSymbols === 'function'), 'coders', 'must be an array of stream coders (encoder and decoder in one object)');
  const layout = resolveLayoutOptions({ ...options, encoders: coders }, name);
  const { encoders: _, ...layoutJson } = layout;
  const json: JsonValue = identity?.options ?? { coders: coders.map((c) => c.encoding), ...layoutJson };
  return {
    name,
    options: json,
    requires: [],
    provides: ['encode/file'],
    uses: ['prune/masks', 'quantize/codebooks', 'prune/connectivity'],
    async apply({ model, artifacts }, ctx) {
      ctx.throwIfAborted();
      const masks = artifacts['prune/masks'];
      const codebooks = artifacts['quantize/codebooks'];
      const connectivity = artifacts['prune/connectivity'];
      // The whole pipeline so far (this stage last) goes into the file's provenance.
      const stages: StageProvenance[] = [...ctx.stages];
      const input = { model, masks, codebooks, connectivity, stages };
      const encoded = encodeContainer(input, layout);
      ctx.progress({ label: 'encoded', current: 1, total: 3 });
      ctx.throwIfAborted();
      const decoded = decodeContainer(encoded.bytes, { decoders: coders });
      ctx.progress({ label: 'decoded', current: 2, total: 3 });
      // float16 storage rounds: those tensors must match to within float16 rounding.
      const float32 = new Set(listParams(model).filter(keepsFloat32).map((ref) => ref.key));
      const half = (key: string) => !float32.has(key) && (codebooks?.has(key) ? layout.codebookFormat : layout.floatFormat) === 'float16';
      const wrong = mismatchedTensors(model, decoded, half);
      if (wrong.length > 0) {
        throw new DcError('STALE_ARTIFACT', `the file would store different values than the model holds for ${wrong.join(', ')} (weights off their codebook, or pruned weights that are not zero)`, {
          stage: name,
          tensor: wrong[0],
          hint: 'The masks or codebooks do not describe the model: a stage after pruning or clustering changed the weights. Prune, then cluster, then encode; a stage that changes weights declares `changes` so the pipeline catches this before running.',
        });
      }
      const fixed = coders.length > 0 ? encodeContainer(input, { ...layout, encoders: [] }) : encoded;
      ctx.progress({ label: 'fixed-width comparison', current: 3, total: 3 });
      const description = describeContainer(encoded.bytes, { decoders: coders });
      const metrics = buildFileMetrics(model, encoded, fixed, { masks, codebooks, originalBytes: ctx.originalBytes ?? float32Bytes(model), description });
      ctx.reporter.info(`wrote ${encoded.bytes.length} bytes: ${metrics.ratio}x smaller than float32`);
      return {
        // The model unchanged (its codebooks still describe it); float16 storage rounds only the file.
        model: { ...model },
        artifacts: { 'encode/file': { bytes: encoded.bytes, decoded } },
        metrics,
        bytes: encoded.bytes.length,
      };
    },
  };
}
