/**
 * GraphModel weights for the integer-range tests (format version 9, docs/format.md §9.6): kernels
 * clustered on a grid of consecutive integers, with and without per-channel scales, and the files
 * of versions 4, 5, 6 and 8 that must stay byte for byte what the writer made before ranges.
 */
import type { Codebook } from '../artifacts.js';
import { constantCoder } from '../testing/constant-coder.js';
import { scaledValue } from './channel-scales.js';
import { encodeGraphModelContainer, type GraphModelWeight } from './graph-model-encode.js';
import type { GraphModelRecord } from './graph-model-header.js';

/** A GraphModel record whose `Const` nodes are exactly `weights`' (§9.1). */
export const graphFor = (weights: readonly { name: string }[]): GraphModelRecord => ({
  format: 'graph-model',
  modelTopology: { node: [{ name: 'x', op: 'Placeholder' }, ...weights.map((w) => ({ name: w.name, op: 'Const' }))] },
});

/** A LayersModel record (version 8) of one Dense layer. */
export const layersRecord: GraphModelRecord = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [{ class_name: 'Dense', config: { name: 'd', units: 8 } }] } } };

/** What {@link gridWeight} builds. */
export interface GridOptions {
  /** Per-channel scales, one per extent of the last axis. */
  readonly scales?: Float32Array;
  /** Prune every `pruneEvery`-th element (0: none). */
  readonly pruneEvery?: number;
}

/**
 * A float32 weight of `shape` clustered on `centroids` (codes spread deterministically), its values
 * `centroid` or `float32(scale × centroid)` at the kept positions and `+0` elsewhere.
 */
export function gridWeight(name: string, shape: readonly number[], centroids: Float32Array, options: GridOptions = {}): GraphModelWeight {
  const { scales, pruneEvery = 0 } = options;
  const n = shape.reduce((a, b) => a * b, 1);
  const positions = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => pruneEvery === 0 || i % pruneEvery !== 0);
  const k = centroids.length;
  const spread = Array.from(positions, (p) => (p * 37 + (p >> 3)) % k);
  const codes = k <= 256 ? Uint8Array.from(spread) : Uint16Array.from(spread);
  const values = new Float32Array(n);
  positions.forEach((p, i) => (values[p] = scales ? scaledValue(scales[p % scales.length], centroids[codes[i]]) : centroids[codes[i]]));
  const codebook: Codebook = { bits: Math.max(1, Math.ceil(Math.log2(k))), centroids, positions, codes, ...(scales ? { scales } : {}) };
  return { name, dtype: 'float32', shape, values, codebook };
}

/** `k` consecutive integers from `first`. */
export const integerGrid = (first: number, k: number): Float32Array => Float32Array.from({ length: k }, (_, i) => first + i);

/** Scales of `channels` channels, exact in float16. */
export const gridScales = (channels: number): Float32Array => Float32Array.from({ length: channels }, (_, c) => 2 ** -(7 + (c % 3)) * (1 + c / 8));

/**
 * Files without an integer-range codebook, of versions 4 (a non-integer codebook, two consecutive
 * integers: too few for a range), 5 (scales), 6 (a byte-plane float stream) and 8 (a LayersModel
 * record whose codebook is −127..127: version 8 has no ranges). The writer made them before ranges
 * existed; they must not change.
 */
export function filesWithoutRanges(): Record<string, Uint8Array> {
  const frac = gridWeight('a/kernel', [8, 8], Float32Array.of(-0.5, 0.25, 1.5), { pruneEvery: 4 });
  const pair = gridWeight('a/pair', [4, 4], Float32Array.of(1, 2));
  const scaled = gridWeight('a/scaled', [6, 8], Float32Array.of(-0.75, -0.25, 0.25, 0.75), { scales: gridScales(8), pruneEvery: 3 });
  const planed: GraphModelWeight = { name: 'a/bias', dtype: 'float32', shape: [8], values: new Float32Array(8).fill(Math.fround(0.3)) };
  const grid = gridWeight('d/kernel', [16, 8], integerGrid(-127, 255), { scales: gridScales(8), pruneEvery: 5 });
  return {
    v4: encodeGraphModelContainer({ graph: graphFor([frac, pair]), weights: [frac, pair] }).bytes,
    v5: encodeGraphModelContainer({ graph: graphFor([scaled]), weights: [scaled] }).bytes,
    v6: encodeGraphModelContainer({ graph: graphFor([scaled, planed]), weights: [scaled, planed] }, { encoders: [constantCoder] }).bytes,
    v8: encodeGraphModelContainer({ graph: layersRecord, weights: [grid] }).bytes,
  };
}
