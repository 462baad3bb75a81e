/** Empirical order-0 entropy of symbol streams: the bound entropy coders are measured against. */

/** How often each symbol `0 .. 2 ** bits - 1` occurs. */
export function histogram(symbols: ArrayLike<number>, bits: number): Uint32Array {
  const freq = new Uint32Array(2 ** bits);
  for (let i = 0; i < symbols.length; i++) freq[symbols[i]]++;
  return freq;
}

/** Entropy in bits per symbol of a frequency table (0 for an empty one). */
export function entropyOf(frequencies: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < frequencies.length; i++) total += frequencies[i];
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < frequencies.length; i++) {
    const f = frequencies[i];
    if (f > 0) h -= (f / total) * Math.log2(f / total);
  }
  return h;
}
