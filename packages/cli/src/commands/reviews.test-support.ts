/** Synthetic reviews for the CLI tests of text models: token ids as a tokenizer gives them. */
import { createRandom } from '@dc/core';

// A review is up to 20 token ids of a 400-word vocabulary (0: padding at the end); 1..60 are
// words of praise, 61..120 of blame, the rest neutral. Its label: 1 when praise outnumbers blame
// (never tied).
export const [LENGTH, VOCABULARY, DIMENSIONS] = [20, 400, 16];

/** `n` seeded reviews: ids `[n, LENGTH]` (as float32) and their labels. */
export function reviews(n: number, seed: number): { xs: Float32Array; ys: Int32Array } {
  const random = createRandom(seed);
  const rand = () => random.next();
  const pick = (from: number, count: number) => from + Math.floor(rand() * count);
  const xs = new Float32Array(n * LENGTH);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    ys[i] = i % 2;
    const [more, fewer] = [pick(1, 5), 0];
    const less = pick(fewer, more);
    const [praise, blame] = ys[i] === 1 ? [more, less] : [less, more];
    const words = [...Array.from({ length: praise }, () => pick(1, 60)), ...Array.from({ length: blame }, () => pick(61, 60))];
    while (words.length < pick(8, LENGTH - 7)) words.push(pick(121, VOCABULARY - 121));
    // Shuffled (Fisher–Yates), then padded.
    for (let k = words.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      [words[k], words[j]] = [words[j], words[k]];
    }
    xs.set(words, i * LENGTH);
  }
  return { xs, ys };
}
