/** Synthetic inputs for the benchmark: clustered Gaussian codes and a LeNet-300-100-sized model. */
import { createRandom, type Codebook, type Layer, type Model, type RandomSource } from '@dc/core';

function gaussian(r: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
}

/** `n` codes of Gaussian weights quantized to `k` levels over ±3σ (the shape of clustered weights). */
export function gaussianCodes(n: number, k: number, seed = 1): Uint8Array {
  const r = createRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.min(k - 1, Math.max(0, Math.floor(((gaussian(r) + 3) / 6) * k))));
}

/**
 * LeNet-300-100 (784-300-100-10) with Gaussian weights pruned by magnitude to the paper's kept
 * fractions (8%, 9%, 26%) and clustered linearly to `2 ** bits` levels; dense float32 biases.
 */
export function syntheticLenet300(bits = 5, seed = 1): { model: Model; codebooks: Map<string, Codebook>; masks: Map<string, Uint8Array> } {
  const r = createRandom(seed);
  const sizes: Array<[number, number, number]> = [[784, 300, 0.08], [300, 100, 0.09], [100, 10, 0.26]];
  const codebooks = new Map<string, Codebook>();
  const masks = new Map<string, Uint8Array>();
  const k = 2 ** bits;
  const layers: Layer[] = sizes.map(([inputs, units, keep], i) => {
    const name = `dense_${i + 1}`;
    const w = Float32Array.from({ length: inputs * units }, () => gaussian(r) * 0.05);
    const threshold = Float32Array.from(w, Math.abs).sort()[Math.floor(w.length * (1 - keep))];
    const mask = Uint8Array.from(w, (x) => (Math.abs(x) >= threshold ? 1 : 0));
    const positions = Uint32Array.from(mask.reduce<number[]>((a, m, j) => (m && a.push(j), a), []));
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of positions) [lo, hi] = [Math.min(lo, w[p]), Math.max(hi, w[p])];
    const centroids = Float32Array.from({ length: k }, (_, c) => lo + ((hi - lo) * (c + 0.5)) / k);
    const codes = Uint8Array.from(positions, (p) => Math.min(k - 1, Math.floor(((w[p] - lo) / (hi - lo)) * k)));
    const values = new Float32Array(w.length);
    positions.forEach((p, j) => (values[p] = centroids[codes[j]]));
    codebooks.set(`${name}/kernel`, { bits, centroids, positions, codes });
    masks.set(`${name}/kernel`, mask);
    return {
      name,
      config: { kind: 'dense', units, activation: i === 2 ? 'softmax' : 'relu', useBias: true },
      params: { kernel: { shape: [inputs, units], values }, bias: { shape: [units], values: Float32Array.from({ length: units }, () => gaussian(r) * 0.01) } },
    };
  });
  return { model: { name: 'lenet-300-100', inputShape: [784], layers }, codebooks, masks };
}
