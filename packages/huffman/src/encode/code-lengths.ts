/**
 * Length-limited optimal code lengths by package-merge (Larmore & Hirschberg 1990): the lengths
 * minimise the coded size subject to no code being longer than `limit` bits. For ordinary
 * distributions the limit does not bind and the result is an ordinary Huffman code.
 */

/**
 * Code length per symbol for the given symbol `frequencies` (0 for symbols that never occur).
 * One used symbol gets length 1. Returns `undefined` when `2 ** limit` is below the number of
 * used symbols (no code fits).
 */
export function limitedCodeLengths(frequencies: ArrayLike<number>, limit: number): Uint8Array | undefined {
  const n = frequencies.length;
  const lengths = new Uint8Array(n);
  const used: number[] = [];
  for (let s = 0; s < n; s++) if (frequencies[s] > 0) used.push(s);
  if (used.length === 0) return lengths;
  if (used.length === 1) {
    lengths[used[0]] = 1;
    return lengths;
  }
  if (used.length > 2 ** limit) return undefined;
  used.sort((a, b) => frequencies[a] - frequencies[b] || a - b);
  // Nodes: leaves 0..m-1 (symbol used[i]); packages store their two children.
  const m = used.length;
  const weight: number[] = used.map((s) => frequencies[s]);
  const left: number[] = new Array(m).fill(-1);
  const right: number[] = new Array(m).fill(-1);
  const leaves = Array.from({ length: m }, (_, i) => i);
  let list = leaves;
  for (let level = 1; level < limit; level++) {
    const packages: number[] = [];
    for (let i = 0; i + 1 < list.length; i += 2) {
      weight.push(weight[list[i]] + weight[list[i + 1]]);
      left.push(list[i]);
      right.push(list[i + 1]);
      packages.push(weight.length - 1);
    }
    // Merge leaves and packages by weight (leaves first on ties).
    const merged: number[] = [];
    let a = 0;
    let b = 0;
    while (a < m || b < packages.length) {
      if (b >= packages.length || (a < m && weight[leaves[a]] <= weight[packages[b]])) merged.push(leaves[a++]);
      else merged.push(packages[b++]);
    }
    list = merged;
  }
  // Each of the first 2m - 2 items adds one bit to every leaf below it.
  const depth = new Uint8Array(m);
  const stack: number[] = list.slice(0, 2 * m - 2);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (left[node] < 0) depth[node]++;
    else stack.push(left[node], right[node]);
  }
  for (let i = 0; i < m; i++) lengths[used[i]] = depth[i];
  return lengths;
}
