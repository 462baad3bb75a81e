/**
 * Chooses how one parameter tensor is stored: sparse (relative indices) or dense, coded (codebook
 * indices) or float, and the relative-index width, by measuring the bytes of each candidate.
 */
import type { Codebook } from '../artifacts.js';
import type { CompressedTensor } from '../compressed.js';
import type { SeededConnectivity } from '../connectivity.js';
import { DcError } from '../errors/dc-error.js';
import type { Tensor } from '../ir/model.js';
import { allocSymbols, bitsFor, type Symbols } from './bit-pack.js';
import { encodeGaps } from './gaps.js';
import { matrixDims, permute, toColumnOrder } from './order.js';
import { isChannelCount, scaledValue } from './channel-scales.js';
import { firstNonFinite } from './float-stream.js';
import { EXACT_CODEBOOK_MIN_ELEMENTS, exactCodebook, exactCodebookBound } from './exact-codebook.js';
import { exactInFloat16 } from './float16.js';
import { planFloats, planSymbols, storedBytes, type StreamEncoding } from './plan-stream.js';
import { planCodebook } from './codebook-storage.js';
import { isIntegerRange } from './integer-range.js';
import type { StreamEncoder } from './stream-codec.js';
import { SEEDED_CONNECTIVITY_HEADER_BYTES, type TensorDtype } from './header.js';
import { seededCandidate } from './seeded-candidate.js';

/** How tensors are laid out in the file. */
export interface LayoutOptions {
  /** Stream encoders besides raw (e.g. Huffman); each stream keeps the smallest. */
  readonly encoders: readonly StreamEncoder[];
  /** Bits per relative index: a fixed width (1..16), or `'auto'` to measure 2..8 per tensor. */
  readonly gapBits: 'auto' | number;
  /** `'auto'` measures sparse against dense per tensor; `'sparse'` / `'dense'` force one. */
  readonly layout: 'auto' | 'sparse' | 'dense';
  /** Storage of unclustered values (biases, pruned-only kernels). */
  readonly floatFormat: 'float32' | 'float16';
  /** Storage of codebooks (the shared weights): `'float32'` (exact) or `'float16'` (rounded). */
  readonly codebookFormat: 'float32' | 'float16';
  /**
   * Order of sparse entries: `'row'` (row-major, CSR-like), `'column'` (CSC-like, see order.ts),
   * or `'auto'` (default) to keep the smaller per tensor.
   */
  readonly order: 'auto' | 'row' | 'column';
  /**
   * The header: `'json'` (format version 2, readable text) or `'compact'` (version 3: binary,
   * every field the model and the layout rules fix left out; docs/format.md §2.9; version 7 when
   * a tensor is stored by seeded connectivity, §2.10).
   */
  readonly header: 'json' | 'compact';
  /** Whether the header records the stages that made the model (`stages`); `false` leaves it empty. */
  readonly provenance: boolean;
}

/** {@link LayoutOptions} and what only GraphModel files allow. */
export interface FloatLayoutOptions extends LayoutOptions {
  /** Format version 6: float `values` streams may be stored as byte planes, each coded by `encoders` (float-planes.ts). */
  readonly floatPlanes?: boolean;
  /**
   * Format version 9: a codebook of consecutive integers is stored as an integer range (4 bytes,
   * integer-range.ts), whatever `codebookFormat` says; set for a GraphModel's record only.
   */
  readonly integerRanges?: boolean;
}

/** The storage chosen for one tensor. */
export interface TensorEncoding {
  readonly key: string;
  /** Format version 4 only: the weight's dtype. */
  readonly dtype?: TensorDtype;
  readonly shape: readonly number[];
  readonly layout: CompressedTensor['layout'];
  /** Elements stored explicitly (nonzeros for sparse layouts, every element for dense ones). */
  readonly entries: number;
  /** Bits per relative index, for sparse layouts. */
  readonly gapBits?: number;
  /** Order of the entries, for sparse layouts. */
  readonly order?: 'row' | 'column';
  /** Format version 7: the positions are those of this seeded connectivity (no `gaps` stream, no `gapBits`). */
  readonly connectivity?: SeededConnectivity;
  readonly streams: readonly StreamEncoding[];
  /** Total stored bytes of the streams. */
  readonly bytes: number;
}

const AUTO_GAP_BITS = [2, 3, 4, 5, 6, 7, 8];

/** Header bytes that column order adds (`,"order":"column"`, rounded up): counted when comparing. */
const COLUMN_ORDER_HEADER_BYTES = 24;

function smallest(candidates: Array<Omit<TensorEncoding, 'bytes'>>): TensorEncoding {
  let best: TensorEncoding | undefined;
  let bestCost = Infinity;
  for (const c of candidates) {
    const bytes = storedBytes(c.streams);
    const cost = bytes + (c.order === 'column' ? COLUMN_ORDER_HEADER_BYTES : 0) + (c.connectivity ? SEEDED_CONNECTIVITY_HEADER_BYTES : 0);
    if (cost < bestCost) [best, bestCost] = [{ ...c, bytes }, cost];
  }
  return best!;
}

/** Whether column order differs from row order for a shape (a matrix with several rows and columns). */
function hasColumns(shape: readonly number[]): boolean {
  const [r, c] = matrixDims(shape);
  return shape.length >= 2 && r > 1 && c > 1;
}

/**
 * The sparse candidates of a tensor: each order and index width. `restFor(perm)` makes the
 * streams other than the gaps, with entries permuted by `perm` (column order) when given.
 */
function sparseCandidates(
  key: string,
  shape: readonly number[],
  positions: Uint32Array,
  opts: LayoutOptions,
  layout: 'sparse' | 'sparse-coded',
  restFor: (perm?: Uint32Array) => StreamEncoding[],
): Array<Omit<TensorEncoding, 'bytes'>> {
  const bitsList = opts.gapBits === 'auto' ? AUTO_GAP_BITS : [opts.gapBits];
  const orders = !hasColumns(shape) ? (['row'] as const) : opts.order === 'auto' ? (['row', 'column'] as const) : [opts.order];
  return orders.flatMap((order) => {
    const col = order === 'column' ? toColumnOrder(positions, shape) : undefined;
    const indices = col ? col.indices : positions;
    const rest = restFor(col?.perm);
    return bitsList.map((b) => ({
      key,
      shape,
      layout,
      entries: positions.length,
      gapBits: b,
      order,
      streams: [...rest, planSymbols('gaps', encodeGaps(indices, b), b, opts.encoders)],
    }));
  });
}

function checkCodebook(key: string, shape: readonly number[], size: number, cb: Codebook): void {
  const k = cb.centroids.length;
  const bad = (why: string): never => {
    throw new DcError('INVALID_MODEL', `codebook of ${key}: ${why}`, { tensor: key });
  };
  if (k < 1 || k > 65536) bad(`${k} centroids (1 to 65536 allowed)`);
  const at = firstNonFinite(cb.centroids);
  if (at >= 0) throw new DcError('NON_FINITE_VALUE', `centroid ${at} of ${key} is ${cb.centroids[at]}`, { tensor: key });
  if (cb.codes.length !== cb.positions.length) bad(`${cb.codes.length} codes for ${cb.positions.length} positions`);
  for (let i = 0; i < cb.positions.length; i++) {
    if (cb.positions[i] >= size || (i > 0 && cb.positions[i] <= cb.positions[i - 1])) bad(`positions must ascend strictly within 0..${size - 1}`);
    if (cb.codes[i] >= k) bad(`code ${cb.codes[i]} at entry ${i} is not below ${k}`);
  }
  if (cb.scales) checkScales(key, shape, cb);
}

/** Per-channel scales: one positive finite value per channel of `shape`, every product finite in float32. */
function checkScales(key: string, shape: readonly number[], cb: Codebook): void {
  const scales = cb.scales!;
  if (!isChannelCount(shape, scales.length)) {
    throw new DcError('INVALID_MODEL', `codebook of ${key}: ${scales.length} scales for shape [${shape.join(', ')}] (one per channel: the product of its last extents)`, { tensor: key });
  }
  const at = scales.findIndex((v) => !(v > 0) || !Number.isFinite(v));
  if (at >= 0) throw new DcError('NON_FINITE_VALUE', `scale ${at} of ${key} is ${scales[at]}: scales are positive and finite`, { tensor: key });
  const [lo, hi] = [Math.min(...cb.centroids), Math.max(...cb.centroids)];
  for (const s of scales) if (!Number.isFinite(scaledValue(s, lo)) || !Number.isFinite(scaledValue(s, hi))) throw new DcError('NON_FINITE_VALUE', `scale ${s} × a centroid of ${key} overflows float32`, { tensor: key });
}

/**
 * The `dense-coded` form of a clustered tensor: every element coded, pruned ones by a code whose
 * centroid is 0: an extra last entry, or (with `integerRanges`, where the codebook is a range that
 * holds 0) the range's own 0, since an extra entry would end the range.
 */
function denseCoded(tensor: Tensor, cb: Codebook, opts: FloatLayoutOptions): { centroids: ArrayLike<number>; codes: Symbols; bits: number } {
  const size = tensor.values.length;
  const k = cb.centroids.length;
  const pruned = cb.positions.length < size;
  const zero = pruned && opts.integerRanges && isIntegerRange(cb.centroids) ? cb.centroids.indexOf(0) : -1;
  const extra = pruned && zero < 0;
  const bits = bitsFor(k + (extra ? 1 : 0));
  const codes = allocSymbols(size, bits);
  if (pruned) codes.fill(extra ? k : zero);
  for (let i = 0; i < cb.positions.length; i++) codes[cb.positions[i]] = cb.codes[i];
  return { centroids: extra ? Float32Array.of(...cb.centroids, 0) : cb.centroids, codes, bits };
}

/**
 * Plans a clustered tensor: its codebook indices at its codebook's positions. Given the seeded
 * `connectivity` its mask was drawn from, a compact header and a layout other than `'dense'`, the
 * seeded candidate (seeded-candidate.ts, format version 7) competes too, where it holds the tensor.
 * With `integerRanges` (GraphModel records, format version 9), a codebook of consecutive integers
 * is stored as a range (codebook-storage.ts).
 */
export function planCodedTensor(key: string, tensor: Tensor, cb: Codebook, opts: FloatLayoutOptions, connectivity?: SeededConnectivity): TensorEncoding {
  const size = tensor.values.length;
  checkCodebook(key, tensor.shape, size, cb);
  const k = cb.centroids.length;
  const codebookType = opts.codebookFormat === 'float16' ? 'f16' : 'f32';
  // Per-channel scales: f16 where every scale is exactly a float16 (lossless), else f32.
  const scales = cb.scales ? [planFloats('scales', cb.scales, exactInFloat16(cb.scales) ? 'f16' : 'f32')] : [];
  const candidates: Array<Omit<TensorEncoding, 'bytes'>> = [];
  if (opts.layout !== 'dense') {
    const bits = bitsFor(k);
    const codes = allocSymbols(cb.codes.length, bits);
    codes.set(cb.codes);
    const codebook = planCodebook(cb.centroids, codebookType, opts.integerRanges);
    const restFor = (perm?: Uint32Array) => [codebook, ...scales, planSymbols('codes', perm ? permute(codes, perm) : codes, bits, opts.encoders)];
    candidates.push(...sparseCandidates(key, tensor.shape, cb.positions, opts, 'sparse-coded', restFor));
  }
  if (opts.layout !== 'sparse') {
    const { centroids, codes, bits } = denseCoded(tensor, cb, opts);
    const streams = [planCodebook(centroids, codebookType, opts.integerRanges), ...scales, planSymbols('codes', codes, bits, opts.encoders)];
    candidates.push({ key, shape: tensor.shape, layout: 'dense-coded', entries: size, streams });
  }
  if (connectivity && opts.header === 'compact' && opts.layout !== 'dense') {
    const seeded = seededCandidate(key, tensor.shape, cb, connectivity, codebookType, opts.encoders);
    if (seeded) candidates.push(seeded);
  }
  return smallest(candidates);
}

/**
 * Plans an unclustered tensor: float values, dense or at the kept / nonzero positions. NaN and
 * infinite values are `NON_FINITE_VALUE` unless `infiniteValues` (format version 4, where graph
 * constants such as a -inf threshold are stored as they are).
 */
export function planFloatTensor(key: string, tensor: Tensor, mask: Uint8Array | undefined, opts: FloatLayoutOptions, infiniteValues = false): TensorEncoding {
  const { values, shape } = tensor;
  if (mask && mask.length !== values.length) {
    throw new DcError('INVALID_MODEL', `mask of ${key} has ${mask.length} entries for ${values.length} weights`, { tensor: key });
  }
  const type = opts.floatFormat === 'float16' ? 'f16' : 'f32';
  const at = infiniteValues ? -1 : firstNonFinite(values, type);
  if (at >= 0) {
    const why = Number.isFinite(values[at]) ? `${values[at]}, past float16's range` : String(values[at]);
    throw new DcError('NON_FINITE_VALUE', `element ${at} of ${key} is ${why}`, { tensor: key });
  }
  const planeEncoders = opts.floatPlanes ? opts.encoders : [];
  const candidates: Array<Omit<TensorEncoding, 'bytes'>> = [];
  if (opts.layout !== 'dense') {
    let n = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== 0 || (mask && mask[i] !== 0)) n++;
    const positions = new Uint32Array(n);
    const kept = new Float32Array(n);
    for (let i = 0, o = 0; i < values.length; i++) {
      if (values[i] !== 0 || (mask && mask[i] !== 0)) {
        positions[o] = i;
        kept[o++] = values[i];
      }
    }
    const restFor = (perm?: Uint32Array) => [planFloats('values', perm ? permute(kept, perm) : kept, type, planeEncoders)];
    candidates.push(...sparseCandidates(key, shape, positions, opts, 'sparse', restFor));
  }
  if (opts.layout !== 'sparse') {
    candidates.push({ key, shape, layout: 'dense', entries: values.length, streams: [planFloats('values', values, type, planeEncoders)] });
  }
  return smallest(candidates);
}

/**
 * Plans an unclustered float tensor: its floats ({@link planFloatTensor}), or, where it has at
 * least {@link EXACT_CODEBOOK_MIN_ELEMENTS} elements whose nonzero values repeat (a converter's
 * `uint8` or `float16` weights, dequantized) and that takes fewer bytes, the indices of its exact
 * codebook (`exactCodebook`; centroids in `f16` where every one is a float16). Both decode to the
 * same values: with `floatFormat: 'float16'` the codebook is tried only where every value is a
 * float16 (rounding would otherwise change them).
 */
export function planUnclusteredTensor(key: string, tensor: Tensor, mask: Uint8Array | undefined, opts: FloatLayoutOptions, infiniteValues = false): TensorEncoding {
  const floats = planFloatTensor(key, tensor, mask, opts, infiniteValues);
  if (tensor.values.length < EXACT_CODEBOOK_MIN_ELEMENTS || (opts.floatFormat === 'float16' && !exactInFloat16(tensor.values))) return floats;
  const exact = exactCodebook(tensor.values, mask);
  if (!exact) return floats;
  const codebookFormat = exactInFloat16(exact.centroids) ? 'float16' : 'float32';
  // Planned only where the codes' entropy promises fewer bytes (coding 16-bit symbols is slow).
  if (exactCodebookBound(exact, tensor.values.length, codebookFormat === 'float16' ? 2 : 4) >= 0.98 * floats.bytes) return floats;
  const coded = planCodedTensor(key, tensor, exact, { ...opts, codebookFormat });
  return coded.bytes < floats.bytes ? coded : floats;
}
