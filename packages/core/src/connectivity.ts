/**
 * Seeded connectivity: which elements of a tensor may be nonzero, given by a 32-bit seed and a
 * keep threshold instead of stored positions. A file stores the two numbers and every reader
 * regenerates the positions (docs/format.md §2.10), so a tensor trained on such a mask pays for
 * its codes only; a general-purpose compressor of the dense weights pays for the positions too.
 *
 * Element `i` (row-major) is connected when `mix(i, seed) < keep`: `mix` multiplies `i` by an odd
 * constant, adds the seed and applies MurmurHash3's 32-bit finaliser, a bijection of 32-bit
 * integers, so each element is an independent draw with probability `keep / 2^32`.
 */
import { DcError } from './errors/dc-error.js';

/** A tensor's seeded connectivity: element `i` is connected when `mix(i, seed) < keep`. */
export interface SeededConnectivity {
  /** Unsigned 32-bit seed. */
  readonly seed: number;
  /** Unsigned 32-bit threshold, 1..2^32 − 1: the expected density is `keep / 2^32`. */
  readonly keep: number;
}

/** Per parameter key, the seeded connectivity its mask was drawn from. */
export type Connectivities = ReadonlyMap<string, SeededConnectivity>;

const TWO_32 = 4294967296;

/** The 32-bit hash of element `index` under `seed` (docs/format.md §2.10). */
export function connectivityHash(index: number, seed: number): number {
  let h = (Math.imul(index, 0x9e3779b1) + seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether `c` is well formed: `seed` an unsigned 32-bit integer, `keep` in 1..2^32 − 1. */
export function isSeededConnectivity(c: unknown): c is SeededConnectivity {
  if (typeof c !== 'object' || c === null) return false;
  const { seed, keep } = c as Record<string, unknown>;
  return Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < TWO_32 && Number.isInteger(keep) && (keep as number) >= 1 && (keep as number) < TWO_32;
}

/**
 * The connectivity of expected density `density` (in (0, 1)) under `seed`: `keep` is
 * `round(density × 2^32)`, clamped to 1..2^32 − 1. `INVALID_OPTION` for a density outside (0, 1)
 * or a seed that is not an unsigned 32-bit integer.
 */
export function connectivityForDensity(seed: number, density: number): SeededConnectivity {
  if (!(density > 0 && density < 1)) throw new DcError('INVALID_OPTION', `a seeded connectivity's density must be in (0, 1), not ${density}`, { option: 'density' });
  if (!(Number.isInteger(seed) && seed >= 0 && seed < TWO_32)) throw new DcError('INVALID_OPTION', `a seeded connectivity's seed must be an integer in 0..2^32 - 1, not ${seed}`, { option: 'seed' });
  return { seed, keep: Math.min(TWO_32 - 1, Math.max(1, Math.round(density * TWO_32))) };
}

/** The connected positions of a tensor of `size` elements, ascending (one hash per element, through the mask). */
export function connectedPositions(c: SeededConnectivity, size: number): Uint32Array {
  const mask = connectivityMask(c, size);
  let count = 0;
  for (let i = 0; i < size; i++) count += mask[i];
  const out = new Uint32Array(count);
  for (let i = 0, j = 0; i < size; i++) if (mask[i]) out[j++] = i;
  return out;
}

/** The mask (1 = connected) of a tensor of `size` elements. */
export function connectivityMask(c: SeededConnectivity, size: number): Uint8Array {
  const mask = new Uint8Array(size);
  for (let i = 0; i < size; i++) mask[i] = connectivityHash(i, c.seed) < c.keep ? 1 : 0;
  return mask;
}
