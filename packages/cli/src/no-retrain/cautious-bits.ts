/**
 * The bits of a weight's codes where nothing can be measured (`dc compress --no-retrain` without
 * calibration inputs): the cautious 8 bits of k-means codes with per-channel scales, unless a
 * finer uniform grid (`@dc/graph-model`'s `GRID_CODES_MIN_BITS`) is at least as precise and
 * smaller in the file. On a kernel of a few hundred weights 256 learned centroids cost more than
 * the codes, and the 9- or 10-bit grid, whose codebook takes 4 bytes, costs less and moves no
 * weight further in total: the rule of the planner's cautious start (`cautiousCandidate` of
 * `@dc/allocate`), applied without a planner.
 */
import { CAUTIOUS_BITS, cautiousCandidate, codedCandidate, type CompressTensor } from '@dc/allocate';

/** The finer codes tried besides {@link CAUTIOUS_BITS} bits (uniform grids with per-channel scales). */
export const CAUTIOUS_FINE_BITS: readonly number[] = [9, 10];

/**
 * Bits for `values` with per-channel scales over `channels`, unpruned: {@link CAUTIOUS_BITS}, or
 * the one of {@link CAUTIOUS_FINE_BITS} whose squared error is no larger and whose predicted bytes
 * (codes, codebook and scales as `compress` prices them: `graphCompressTensorWith`'s codes as the
 * writer's coders store them) are the fewest.
 */
export function cautiousBits(values: Float32Array, channels: number, compress: CompressTensor): number {
  const candidates = [CAUTIOUS_BITS, ...CAUTIOUS_FINE_BITS].map((bits) => codedCandidate(values, 0, 0, bits, channels, compress));
  return cautiousCandidate(candidates)!.bits!;
}
