/**
 * Artifacts are what stages hand to later stages besides the model. Their types live here so that
 * no stage imports another. Third-party stages add keys by module augmentation:
 *
 * ```ts
 * declare module '@dc/core' {
 *   interface ArtifactMap { 'my-pkg/saliency': Map<string, Float32Array> }
 * }
 * ```
 */
import type { CompressedModel } from './compressed.js';
import type { Connectivities } from './connectivity.js';

/** Per parameter key (`<layer>/kernel`), 1 where the weight is kept and 0 where it was pruned. */
export type PruneMasks = ReadonlyMap<string, Uint8Array>;

/** The shared-weight codebook of one tensor. */
export interface Codebook {
  /** Bits per code; the codebook has at most `2 ** bits` centroids. */
  readonly bits: number;
  /** Cluster centres, sorted ascending, distinct. */
  readonly centroids: Float32Array;
  /** Row-major flat positions of the clustered (kept) weights, ascending. */
  readonly positions: Uint32Array;
  /** Cluster index of the weight at each position (`codes.length === positions.length`). */
  readonly codes: Uint8Array | Uint16Array;
  /**
   * Per-channel scales (optional): the channels are the last axes of the tensor taken together
   * (`scales.length` = the product of the last j extents), the weight at row-major position `p`
   * is `Math.fround(scales[p % scales.length] * centroids[code])`, and `centroids` are in scaled
   * units. Stored in GraphModel files only (format version 5, docs/format.md §9.3).
   */
  readonly scales?: Float32Array;
}

/** Per parameter key, its codebook. */
export type Codebooks = ReadonlyMap<string, Codebook>;

/** The encoded file of a whole model, as written to disk. */
export interface EncodedFile {
  /** The exact bytes of the `.dcm` file. */
  readonly bytes: Uint8Array;
  /** The model those bytes decode to (for checking and for runtimes). */
  readonly decoded: CompressedModel;
}

/**
 * The artifact registry: key → type. Augment it to add keys (see the module comment).
 * Keys are `<package>/<thing>`.
 */
export interface ArtifactMap {
  'prune/masks': PruneMasks;
  /** Masks drawn from a seed (`seededConnectivity` of `@dc/prune`): a file may store the seed instead of the positions. */
  'prune/connectivity': Connectivities;
  'quantize/codebooks': Codebooks;
  'encode/file': EncodedFile;
}

/** Any artifact key. */
export type ArtifactKey = keyof ArtifactMap;

/** The artifacts named by `K`, all present. */
export type ArtifactsOf<K extends ArtifactKey> = { readonly [P in K]: ArtifactMap[P] };
