/**
 * A small real `.dcm` for the page's end-to-end test, made in seconds without gradient training:
 * a LeNet-300-100-shaped network (784-300-100-10). ip1 holds 300 prototype digits (30 training
 * images per class, mean-centred), pruned to 15% and clustered to 4 bits; ip2 pools prototypes of
 * one class per unit (1-bit codebook); ip3 is fitted by ridge regression on 3000 training images,
 * then pruned to 60% and clustered to 5 bits. Huffman-coded. About 82% of MNIST test digits come
 * out right, so the page shows mostly correct answers. Test-only code.
 */
import { createRandom, encodeContainer, type Codebook, type Model, type Tensor } from '@dc/core';
import { huffmanEncoder } from '@dc/huffman';
import { digitBatch } from '../sample-format.js';
import { readMnistTestSample } from '../mnist-sample.js';

/** Options of {@link buildDigitModel}. */
export interface DigitModelOptions {
  readonly seed?: number;
  /** Training images for the ridge fit of the output layer; default 3000. */
  readonly trainCount?: number;
}

/** The file and what went into it. */
export interface DigitModel {
  readonly bytes: Uint8Array;
  readonly model: Model;
}

/** `relu?(x · W + b)` for `n` rows, dense JS, skipping zero inputs. */
function forward(x: Float32Array, n: number, w: Tensor, b: Float32Array, relu: boolean): Float32Array {
  const [rows, cols] = w.shape;
  const y = new Float32Array(n * cols);
  for (let s = 0; s < n; s++) {
    const out = y.subarray(s * cols, (s + 1) * cols);
    out.set(b);
    for (let i = 0; i < rows; i++) {
      const v = x[s * rows + i];
      if (v === 0) continue;
      const row = w.values.subarray(i * cols, (i + 1) * cols);
      for (let j = 0; j < cols; j++) out[j] += v * row[j];
    }
    if (relu) for (let j = 0; j < cols; j++) if (out[j] < 0) out[j] = 0;
  }
  return y;
}

/** Solves `A X = B` (A `d × d` symmetric positive definite, B `d × m`) by Gaussian elimination. */
function solve(a: Float64Array, bm: Float64Array, d: number, m: number): Float64Array {
  for (let c = 0; c < d; c++) {
    const piv = a[c * d + c];
    for (let r = c + 1; r < d; r++) {
      const f = a[r * d + c] / piv;
      if (f === 0) continue;
      for (let k = c; k < d; k++) a[r * d + k] -= f * a[c * d + k];
      for (let k = 0; k < m; k++) bm[r * m + k] -= f * bm[c * m + k];
    }
  }
  const x = new Float64Array(d * m);
  for (let r = d - 1; r >= 0; r--) {
    for (let k = 0; k < m; k++) {
      let s = bm[r * m + k];
      for (let c = r + 1; c < d; c++) s -= a[r * d + c] * x[c * m + k];
      x[r * m + k] = s / a[r * d + r];
    }
  }
  return x;
}

/** Ridge regression of one-hot labels on `h` (plus a bias column); logits scaled by `gain`. */
function ridge(h: Float32Array, n: number, d: number, labels: Uint8Array, lambda: number, gain: number): { w: Float32Array; b: Float32Array } {
  const D = d + 1;
  const ata = new Float64Array(D * D);
  const aty = new Float64Array(D * 10);
  const row = new Float64Array(D);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < d; i++) row[i] = h[s * d + i];
    row[d] = 1;
    for (let i = 0; i < D; i++) {
      if (row[i] === 0) continue;
      for (let j = 0; j < D; j++) ata[i * D + j] += row[i] * row[j];
      aty[i * 10 + labels[s]] += row[i];
    }
  }
  for (let i = 0; i < d; i++) ata[i * D + i] += lambda;
  const x = solve(ata, aty, D, 10);
  return { w: Float32Array.from(x.subarray(0, d * 10), (v) => v * gain), b: Float32Array.from(x.subarray(d * 10), (v) => v * gain) };
}

/** Prunes `values` to the `keep` largest magnitudes and clusters the rest to 2^bits centroids (1-D Lloyd). */
function pruneAndCluster(values: Float32Array, keep: number, bits: number): Codebook {
  const threshold = [...values].map(Math.abs).sort((a, b) => b - a)[Math.floor(keep * values.length)];
  const positions = Uint32Array.from(values.keys()).filter((p) => Math.abs(values[p]) > threshold);
  const kept = Float32Array.from(positions, (p) => values[p]);
  const k = 2 ** bits;
  const lo = Math.min(...kept);
  const hi = Math.max(...kept);
  let centroids = Float32Array.from({ length: k }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / k);
  const codes = new Uint8Array(kept.length);
  for (let iter = 0; iter < 20; iter++) {
    const sum = new Float64Array(k);
    const cnt = new Uint32Array(k);
    kept.forEach((v, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (Math.abs(v - centroids[c]) < Math.abs(v - centroids[best])) best = c;
      codes[i] = best;
      sum[best] += v;
      cnt[best]++;
    });
    centroids = centroids.map((c, i) => (cnt[i] ? sum[i] / cnt[i] : c));
  }
  // Sorted and distinct, as codebooks must be: drop empty duplicates by re-indexing.
  const order = [...new Set(centroids)].sort((a, b) => a - b);
  const remap = new Map(order.map((c, i) => [c, i]));
  const finalCodes = Uint8Array.from(codes, (c) => remap.get(centroids[c])!);
  values.fill(0);
  positions.forEach((p, i) => (values[p] = order[finalCodes[i]]));
  return { bits, centroids: Float32Array.from(order), positions, codes: finalCodes };
}

/** Builds the model and its Huffman-coded `.dcm` bytes. Deterministic for a seed. */
export async function buildDigitModel(options: DigitModelOptions = {}): Promise<DigitModel> {
  const r = createRandom(options.seed ?? 1);
  const train = await readMnistTestSample({ set: 'train', count: options.trainCount ?? 3000 });
  const n = train.count;
  // Tuned by hand on the first 1000 test digits: 82% right with the defaults.
  const t = { d1: 0.15, d2: 0.5, b1: 0.6, lambda: 0.1 };
  const x = digitBatch(train);
  // ip1: 300 prototypes (30 training digits per class), mean-centred, pruned and clustered.
  const mean = new Float32Array(784);
  for (let s = 0; s < n; s++) for (let i = 0; i < 784; i++) mean[i] += x[s * 784 + i] / n;
  const protoClass: number[] = [];
  const w1: Tensor = { shape: [784, 300], values: new Float32Array(784 * 300) };
  for (let s = 0, j = 0; s < n && j < 300; s++) {
    if (protoClass.filter((c) => c === train.labels[s]).length >= 30) continue;
    let norm = 0;
    for (let i = 0; i < 784; i++) norm += (x[s * 784 + i] - mean[i]) ** 2;
    for (let i = 0; i < 784; i++) w1.values[i * 300 + j] = (x[s * 784 + i] - mean[i]) / Math.sqrt(norm);
    protoClass.push(train.labels[s]);
    j++;
  }
  const cb1 = pruneAndCluster(w1.values, t.d1, 4);
  const score = forward(x, n, w1, new Float32Array(300), false);
  const b1 = new Float32Array(300);
  for (let j = 0; j < 300; j++) {
    let m = 0;
    for (let s = 0; s < n; s++) m += score[s * 300 + j] / n;
    b1[j] = -m - t.b1 * Math.abs(m);
  }
  // ip2: unit k pools a random third of the prototypes of class k mod 10.
  const centroids2 = Float32Array.from([0.5, 1]);
  const pos2: number[] = [];
  const codes2: number[] = [];
  const w2: Tensor = { shape: [300, 100], values: new Float32Array(300 * 100) };
  for (let i = 0; i < 300; i++) {
    for (let k = 0; k < 100; k++) {
      if (protoClass[i] !== k % 10 || r.next() >= t.d2) continue;
      const c = r.int(2);
      pos2.push(i * 100 + k);
      codes2.push(c);
      w2.values[i * 100 + k] = centroids2[c];
    }
  }
  const cb2: Codebook = { bits: 1, centroids: centroids2, positions: Uint32Array.from(pos2), codes: Uint8Array.from(codes2) };
  const b2 = new Float32Array(100);
  const h1 = forward(x, n, w1, b1, true);
  const h2 = forward(h1, n, w2, b2, true);
  const fit = ridge(h2, n, 100, train.labels, t.lambda, 8);
  const w3: Tensor = { shape: [100, 10], values: fit.w };
  const cb3 = pruneAndCluster(w3.values, 0.6, 5);
  const dense = (name: string, units: number, kernel: Tensor, bias: Float32Array, activation: 'relu' | 'softmax') => ({
    name,
    config: { kind: 'dense' as const, units, activation, useBias: true },
    params: { kernel, bias: { shape: [units], values: bias } },
  });
  const model: Model = {
    name: 'page-test-lenet-300-100',
    inputShape: [784],
    layers: [dense('ip1', 300, w1, b1, 'relu'), dense('ip2', 100, w2, b2, 'relu'), dense('ip3', 10, w3, fit.b, 'softmax')],
  };
  const codebooks = new Map([['ip1/kernel', cb1], ['ip2/kernel', cb2], ['ip3/kernel', cb3]]);
  const { bytes } = encodeContainer(
    { model, codebooks, stages: [{ name: 'dc-demo:page-test-model', options: { seed: options.seed ?? 1, trainCount: n } }] },
    { encoders: [huffmanEncoder] },
  );
  return { bytes, model };
}
