/**
 * `loadCompressedModel`: file (or bytes, or URL) → decoded {@link CompressedModel} → plan. The
 * weights stay compressed (codebook + positions + codes); only entropy-coded streams (Huffman, rANS) are
 * decoded, once, here.
 */
import { DcError, decodeContainer, isDcError, type CompressedModel, type StreamDecoder } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import type { LoadedModel } from './loaded-model.js';
import { planModel } from './plan.js';
import { readSource, type ModelSource } from './read-source.js';

/** Options of {@link loadCompressedModel}. */
export interface LoadCompressedModelOptions {
  /**
   * Stream decoders handed to the container decoder (`decodeContainer(bytes, { decoders })`).
   * Defaults to the project's coders: `[huffmanDecoder, ransDecoder]` from `@dc/huffman/decode`
   * and `@dc/rans/decode`.
   */
  readonly decoders?: readonly StreamDecoder[];
  /**
   * Fold each batch norm that directly follows a linear dense/conv/depthwise node read by nothing
   * else into that node's kernel and bias (default true; see `PlanOptions.foldBatchNorm`).
   */
  readonly foldBatchNorm?: boolean;
  /**
   * Fuse each activation node that follows a linear dense/conv/depthwise node (or the batch norm
   * folded into one) into that node's step (default true; see `PlanOptions.fuseActivations`).
   */
  readonly fuseActivations?: boolean;
}

function isCompressedModel(v: unknown): v is CompressedModel {
  return typeof v === 'object' && v !== null && 'tensors' in v && (v as { tensors: unknown }).tensors instanceof Map && 'layers' in v;
}

/**
 * Loads a compressed model from bytes, an `ArrayBuffer`, a file path (Node), a URL, or an
 * already decoded {@link CompressedModel}, and plans its execution.
 *
 * Throws the container's `DcError` codes for a bad file (`BAD_MAGIC`, `TRUNCATED_FILE`,
 * `CHECKSUM_MISMATCH`, `UNKNOWN_ENCODING`, `BAD_HEADER`, ...); for a `CompressedModel` built in
 * memory, `UNSUPPORTED_LAYER` naming a node whose kind core's op table lacks, and `INVALID_MODEL`
 * for a bad topology, shape or tensor.
 */
export async function loadCompressedModel(source: ModelSource | CompressedModel, options: LoadCompressedModelOptions = {}): Promise<LoadedModel> {
  const t0 = performance.now();
  let compressed: CompressedModel;
  let fileBytes: number | undefined;
  if (isCompressedModel(source)) {
    compressed = source;
  } else {
    const bytes = await readSource(source);
    fileBytes = bytes.byteLength;
    const decoders = options.decoders ?? [huffmanDecoder, ransDecoder];
    try {
      compressed = decodeContainer(bytes, { decoders });
    } catch (e) {
      if (isDcError(e)) throw e;
      throw new DcError('BAD_HEADER', `the file could not be decoded: ${(e as Error).message}`, { cause: e });
    }
  }
  const foldBatchNorm = options.foldBatchNorm ?? true;
  const fuseActivations = options.fuseActivations ?? true;
  const plan = planModel(compressed, { foldBatchNorm, fuseActivations });
  return {
    compressed,
    plan,
    foldBatchNorm,
    fuseActivations,
    inputShape: plan.inputShape,
    outputShape: plan.outputShape,
    inputSize: plan.inputSize,
    outputSize: plan.outputSize,
    peakActivationBytes: plan.peakActivationBytes,
    ...(fileBytes === undefined ? {} : { fileBytes }),
    loadMs: performance.now() - t0,
  };
}
