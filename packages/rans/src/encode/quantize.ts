/**
 * Scaling symbol counts to frequencies that sum to `2^S` (every occurring symbol at least 1),
 * losing as few coded bits as possible.
 */
import TinyQueue from 'tinyqueue';

/** A queue of symbols, the highest `priority` first (priorities change only for a popped symbol). */
const byPriority = (symbols: number[], priority: (s: number) => number) => new TinyQueue(symbols, (a, b) => priority(b) - priority(a));

/**
 * Frequencies for `counts` summing to `2 ** scaleBits`, or `undefined` when more symbols occur
 * than there are slots. Starts from the proportional share (at least 1), then moves single slots
 * where they save the most bits (`count · log2` of the frequency ratio), one at a time.
 */
export function quantizeFrequencies(counts: ArrayLike<number>, scaleBits: number): Uint32Array | undefined {
  const total = 2 ** scaleBits;
  let n = 0;
  let used = 0;
  for (let s = 0; s < counts.length; s++) {
    n += counts[s];
    if (counts[s] > 0) used++;
  }
  if (used === 0 || used > total) return undefined;
  const freqs = new Uint32Array(counts.length);
  let sum = 0;
  for (let s = 0; s < counts.length; s++) {
    if (counts[s] > 0) freqs[s] = Math.max(1, Math.floor((counts[s] * total) / n));
    sum += freqs[s];
  }
  if (sum < total) {
    // Give each spare slot to the symbol whose cost drops most: count · log2((f + 1) / f).
    const occurring = Array.from(counts, (c, s) => (c > 0 ? s : -1)).filter((s) => s >= 0);
    const heap = byPriority(occurring, (s) => counts[s] * Math.log2((freqs[s] + 1) / freqs[s]));
    for (; sum < total; sum++) {
      const s = heap.pop()!;
      freqs[s]++;
      heap.push(s);
    }
  } else if (sum > total) {
    // Take slots back where the cost rises least: count · log2(f / (f - 1)), from f > 1 only.
    const above1 = Array.from(freqs, (f, s) => (f > 1 ? s : -1)).filter((s) => s >= 0);
    const heap = byPriority(above1, (s) => -counts[s] * Math.log2(freqs[s] / (freqs[s] - 1)));
    for (; sum > total; sum--) {
      const s = heap.pop()!;
      freqs[s]--;
      if (freqs[s] > 1) heap.push(s);
    }
  }
  return freqs;
}

/** Bits that `counts` cost when coded with `freqs` summing to `2 ** scaleBits`. */
export function codedBits(counts: ArrayLike<number>, freqs: ArrayLike<number>, scaleBits: number): number {
  let bits = 0;
  for (let s = 0; s < counts.length; s++) if (counts[s] > 0) bits += counts[s] * (scaleBits - Math.log2(freqs[s]));
  return bits;
}
