/**
 * The `dc:huffman` stage: writes the model into a `.dcm` file whose code and index streams are
 * Huffman-coded, decodes that file back, and reports the paper's per-layer table and the
 * compression ratio of the bytes actually written.
 */
import {
  decodeContainer,
  densify,
  encodeContainer,
  float32Bytes,
  listParams,
  type CompressedModel,
  type EncodedContainer,
  type JsonValue,
  type Model,
  type Stage,
  type StageProvenance,
} from '@dc/core';
import { huffmanDecoder } from '../decode/index.js';
import { huffmanEncoder } from '../encode/huffman-encode.js';
import { buildMetrics } from './metrics.js';
import { resolveHuffmanOptions, type HuffmanEncodeOptions } from './options.js';

/** Keys of tensors whose decoded values differ from the model's (beyond float16 rounding). */
function mismatches(model: Model, decoded: CompressedModel, half: boolean): string[] {
  const out: string[] = [];
  for (const ref of listParams(model)) {
    const t = decoded.tensors.get(ref.key);
    const got = t ? densify(t) : undefined;
    const want = ref.tensor.values;
    const ok = got?.length === want.length && got.every((v, i) => (half ? Math.abs(v - want[i]) <= Math.abs(want[i]) * 2 ** -11 + 2 ** -24 : Object.is(v, want[i]) || (v === 0 && want[i] === 0)));
    if (!ok) out.push(ref.key);
  }
  return out;
}

/**
 * Creates the Huffman coding stage (name `dc:huffman`). It requires nothing; it uses
 * `prune/masks` (sparse storage of kept weights) and `quantize/codebooks` (weights stored as
 * codebook indices) when earlier stages provide them, and provides `encode/file`:
 * `{ bytes, decoded }`, where `decoded` is the result of decoding `bytes`.
 *
 * ```ts
 * createPipeline().use(pruneLowMagnitude(...)).use(clusterWeights(...)).use(huffmanEncode())
 * ```
 */
export function huffmanEncode(options: HuffmanEncodeOptions = {}): Stage<never, 'encode/file'> {
  const opts = resolveHuffmanOptions(options);
  const json: { [key: string]: JsonValue } = { ...opts };
  return {
    name: 'dc:huffman',
    options: json,
    requires: [],
    provides: ['encode/file'],
    uses: ['prune/masks', 'quantize/codebooks'],
    async apply({ model, artifacts }, ctx) {
      ctx.throwIfAborted();
      const masks = artifacts['prune/masks'];
      const codebooks = artifacts['quantize/codebooks'];
      // The whole pipeline so far (this stage last) goes into the file's provenance.
      const stages: StageProvenance[] = [...ctx.stages];
      const input = { model, masks, codebooks, stages };
      const layout = { gapBits: opts.gapBits, layout: opts.layout, floatFormat: opts.floatFormat, order: opts.order };
      const encoded: EncodedContainer = encodeContainer(input, { ...layout, encoders: opts.huffman ? [huffmanEncoder] : [] });
      ctx.progress({ label: 'encoded', current: 1, total: 3 });
      ctx.throwIfAborted();
      const decoded = decodeContainer(encoded.bytes, { decoders: [huffmanDecoder] });
      ctx.progress({ label: 'decoded', current: 2, total: 3 });
      const wrong = mismatches(model, decoded, opts.floatFormat === 'float16');
      if (wrong.length > 0) {
        ctx.reporter.warn('the file stores different values than the model holds for some tensors (weights off their codebook, or pruned weights that are not zero)', { tensors: wrong });
      }
      const fixed = opts.huffman ? encodeContainer(input, layout) : encoded;
      ctx.progress({ label: 'fixed-width comparison', current: 3, total: 3 });
      const metrics = buildMetrics(model, encoded, fixed, { masks, codebooks, originalBytes: float32Bytes(model), mismatched: wrong });
      ctx.reporter.info(`wrote ${encoded.bytes.length} bytes: ${metrics.ratio}x smaller than float32`);
      return {
        model: { ...model },
        artifacts: { 'encode/file': { bytes: encoded.bytes, decoded } },
        metrics,
        bytes: encoded.bytes.length,
      };
    },
  };
}
