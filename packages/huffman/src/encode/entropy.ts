/** Shannon entropy, to show how close Huffman coding gets to the bound. */

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
