/** Writing a compressed GraphModel as a `.dcm` file (format version 4). */
import { encodeGraphModelContainer, type EncodedGraphModelContainer, type Preprocessing, type StreamCoder } from '@dc/core';
import { huffmanCoder } from '@dc/huffman';
import { ransCoder } from '@dc/rans';
import type { CompressedGraphModel } from './compress.js';
import type { GraphModelSource } from './source.js';

/** The entropy coders {@link encodeGraphModel} tries on each symbol stream unless given others: Huffman and rANS. */
export const DEFAULT_GRAPH_CODERS: readonly StreamCoder[] = Object.freeze([huffmanCoder, ransCoder]);

/** Options of {@link encodeGraphModel} and {@link writeGraphModelFile}. */
export interface EncodeGraphModelOptions {
  /** Entropy coders of the symbol streams; each stream keeps the smallest of raw and these. Default Huffman and rANS. */
  readonly coders?: readonly StreamCoder[];
  /**
   * How the model's input was made from raw data when it was compressed (`x = raw · scale +
   * offset`, e.g. `{ scale: [2 / 255], offset: [-1] }` for photographs fed to a model trained on
   * [-1, 1]), recorded in the header for tools that feed the file raw data (`dc run`); the graph
   * runs the same without it.
   */
  readonly preprocessing?: Preprocessing;
}

/**
 * Whether the file written for `source` stores a codebook of consecutive whole numbers (a uniform
 * grid's, see `GRID_CODES_MIN_BITS`) in 4 bytes: a GraphModel's file does (format version 9), a
 * LayersModel's kept as given (version 8) stores its entries. For pricing a codebook before writing
 * it: `storedCodebookBytes(centroids, { integerRanges: storesIntegerRanges(source) })` of `@dc/core`.
 */
export function storesIntegerRanges(source: Pick<GraphModelSource, 'artifacts'>): boolean {
  return source.artifacts.format !== 'layers-model';
}

/**
 * The `.dcm` bytes of a compressed GraphModel: each weight in the layout (sparse or dense, coded
 * or float) and each stream in the coding (raw, Huffman, rANS) that takes the fewest bytes;
 * floats losslessly (float16 only where every value is one). Decoding them gives exactly
 * `compressed.reconstruct()`.
 */
export function encodeGraphModel(compressed: CompressedGraphModel, options: EncodeGraphModelOptions = {}): EncodedGraphModelContainer {
  const input = { graph: compressed.record, weights: compressed.weights, stages: compressed.stages, ...(options.preprocessing ? { preprocessing: options.preprocessing } : {}) };
  return encodeGraphModelContainer(input, { encoders: options.coders ?? DEFAULT_GRAPH_CODERS });
}

/**
 * Encodes `compressed` (see {@link encodeGraphModel}) and writes it to `path` atomically (a
 * temporary name, then a rename: an existing file is replaced whole or not at all;
 * `WRITE_FAILED` otherwise). Node only.
 */
export async function writeGraphModelFile(path: string, compressed: CompressedGraphModel, options: EncodeGraphModelOptions = {}): Promise<EncodedGraphModelContainer> {
  const encoded = encodeGraphModel(compressed, options);
  const { writeFileAtomic } = await import('@dc/core/node');
  await writeFileAtomic(path, encoded.bytes);
  return encoded;
}
