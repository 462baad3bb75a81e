/**
 * The most distinct nonzero values in one output channel of a weight whose channels run along its
 * last axis (or last two: `channels` of them): with per-channel scales each channel has its own
 * copy of the codebook, so "at most 2^bits shared values" holds per channel, not per weight.
 */
export function mostValuesInAChannel(values: ArrayLike<number>, channels: number): number {
  const seen = Array.from({ length: channels }, () => new Set<number>());
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) seen[i % channels].add(values[i]);
  return Math.max(...seen.map((s) => s.size));
}
