/**
 * Random compressed models for conformance tests and benchmarks: random shapes, sparsity, code
 * widths and tensor layouts, built directly as {@link CompressedModel}s (what a decoded file holds).
 */
import { createRandom, type Activation, type CompressedModel, type CompressedTensor, type LayerTopology, type RandomSource } from '@dc/core';

/** How a random kernel is stored. */
export type KernelLayout = CompressedTensor['layout'];

/** Options of {@link randomKernel}. */
export interface RandomKernelOptions {
  readonly shape: readonly number[];
  /** Fraction of weights kept (0..1]. */
  readonly density: number;
  /** Bits per code for coded layouts (1..16); more than 8 gives Uint16 codes. */
  readonly bits: number;
  readonly layout: KernelLayout;
  /** Standard deviation of the weights; defaults to `sqrt(2 / fanIn)`. */
  readonly scale?: number;
}

function gaussian(r: RandomSource): number {
  const u = Math.max(r.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}

/** A random kernel in the requested compressed layout, pruned to `density` and clustered to `2^bits` centroids. */
export function randomKernel(r: RandomSource, o: RandomKernelOptions): CompressedTensor {
  const n = o.shape.reduce((a, b) => a * b, 1);
  const fanIn = n / o.shape[o.shape.length - 1];
  const scale = o.scale ?? Math.sqrt(2 / fanIn);
  const k = Math.min(2 ** o.bits, 65536);
  const codebook = new Float32Array(k);
  for (let i = 0; i < k; i++) codebook[i] = 2 * scale * ((2 * (i + 0.5)) / k - 1);
  const positions: number[] = [];
  for (let p = 0; p < n; p++) if (r.next() < o.density) positions.push(p);
  const codes = o.bits > 8 ? new Uint16Array(positions.length) : new Uint8Array(positions.length);
  for (let i = 0; i < codes.length; i++) {
    let c = r.int(k);
    if (codebook[c] === 0) c = (c + 1) % k;
    codes[i] = c;
  }
  const shape = [...o.shape];
  const pos = Uint32Array.from(positions);
  switch (o.layout) {
    case 'sparse-coded':
      return { layout: 'sparse-coded', shape, positions: pos, codebook, codes };
    case 'sparse': {
      const values = new Float32Array(codes.length);
      for (let i = 0; i < codes.length; i++) values[i] = codebook[codes[i]] + 0.01 * scale * gaussian(r);
      return { layout: 'sparse', shape, positions: pos, values };
    }
    case 'dense-coded': {
      // Code 0 of a dense-coded tensor stands for the pruned zero weight.
      const cb = new Float32Array(codebook.length + 1);
      cb.set(codebook, 1);
      const all = codebook.length + 1 > 256 ? new Uint16Array(n) : new Uint8Array(n);
      for (let i = 0; i < pos.length; i++) all[pos[i]] = codes[i] + 1;
      return { layout: 'dense-coded', shape, codebook: cb, codes: all };
    }
    case 'dense': {
      const values = new Float32Array(n);
      for (let i = 0; i < pos.length; i++) values[pos[i]] = codebook[codes[i]];
      return { layout: 'dense', shape, values };
    }
  }
}

function randomBias(r: RandomSource, n: number): CompressedTensor {
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = 0.1 * gaussian(r);
  return { layout: 'dense', shape: [n], values };
}

/** Options of {@link randomMlp}. */
export interface RandomMlpOptions {
  readonly seed: number;
  /** Layer widths including the input, e.g. `[784, 300, 100, 10]`. */
  readonly sizes: readonly number[];
  readonly density: number;
  readonly bits: number;
  /** Layout of every kernel; defaults to `sparse-coded`. */
  readonly layout?: KernelLayout | readonly KernelLayout[];
  /** Hidden activation; the last layer uses softmax. */
  readonly activation?: Activation;
}

/** A random dense network (LeNet-300-100 shaped with `sizes: [784, 300, 100, 10]`). */
export function randomMlp(o: RandomMlpOptions): CompressedModel {
  const r = createRandom(o.seed);
  const layers: LayerTopology[] = [];
  const tensors = new Map<string, CompressedTensor>();
  for (let i = 1; i < o.sizes.length; i++) {
    const name = `dense_${i}`;
    const last = i === o.sizes.length - 1;
    const layout = Array.isArray(o.layout) ? o.layout[(i - 1) % o.layout.length] : ((o.layout as KernelLayout | undefined) ?? 'sparse-coded');
    layers.push({ name, config: { kind: 'dense', units: o.sizes[i], activation: last ? 'softmax' : (o.activation ?? 'relu'), useBias: true } });
    tensors.set(`${name}/kernel`, randomKernel(r, { shape: [o.sizes[i - 1], o.sizes[i]], density: o.density, bits: o.bits, layout }));
    tensors.set(`${name}/bias`, randomBias(r, o.sizes[i]));
  }
  return { name: `random-mlp-${o.seed}`, inputShape: [o.sizes[0]], layers, tensors, stages: [] };
}

const ACTS: Activation[] = ['relu', 'linear', 'sigmoid', 'tanh', 'relu', 'softmax'];
const LAYOUTS: KernelLayout[] = ['sparse-coded', 'sparse-coded', 'sparse', 'dense-coded', 'dense'];

/** A random model of the given family: an MLP or a small convnet, with random everything. */
export function randomModel(seed: number, family: 'mlp' | 'conv'): CompressedModel {
  const r = createRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)];
  const layers: LayerTopology[] = [];
  const tensors = new Map<string, CompressedTensor>();
  const density = 0.02 + 0.98 * r.next() ** 2;
  const kernel = (name: string, shape: number[]) =>
    tensors.set(`${name}/kernel`, randomKernel(r, { shape, density, bits: 1 + r.int(r.next() < 0.15 ? 12 : 8), layout: pick(LAYOUTS) }));
  let inputShape: number[];
  let width: number;
  if (family === 'mlp') {
    width = 1 + r.int(300);
    inputShape = [width];
  } else {
    let h = 4 + r.int(13);
    let w = 4 + r.int(13);
    let c = 1 + r.int(3);
    inputShape = [h, w, c];
    const convs = 1 + r.int(2);
    for (let i = 0; i < convs; i++) {
      const k: [number, number] = [1 + r.int(Math.min(5, h)), 1 + r.int(Math.min(5, w))];
      const s: [number, number] = [1 + r.int(2), 1 + r.int(2)];
      const padding = r.next() < 0.5 ? 'same' : 'valid';
      const filters = 1 + r.int(12);
      const name = `conv_${i}`;
      const useBias = r.next() < 0.8;
      layers.push({ name, config: { kind: 'conv2d', filters, kernelSize: k, strides: s, padding, activation: pick(ACTS.slice(0, 4)), useBias } });
      kernel(name, [k[0], k[1], c, filters]);
      if (useBias) tensors.set(`${name}/bias`, randomBias(r, filters));
      h = padding === 'same' ? Math.ceil(h / s[0]) : Math.floor((h - k[0]) / s[0]) + 1;
      w = padding === 'same' ? Math.ceil(w / s[1]) : Math.floor((w - k[1]) / s[1]) + 1;
      c = filters;
      if (h >= 2 && w >= 2 && r.next() < 0.7) {
        const ps: [number, number] = [1 + r.int(Math.min(3, h)), 1 + r.int(Math.min(3, w))];
        const pst: [number, number] = [1 + r.int(2), 1 + r.int(2)];
        const pp = r.next() < 0.5 ? 'same' : 'valid';
        layers.push({ name: `pool_${i}`, config: { kind: r.next() < 0.5 ? 'maxPool2d' : 'avgPool2d', poolSize: ps, strides: pst, padding: pp } });
        h = pp === 'same' ? Math.ceil(h / pst[0]) : Math.floor((h - ps[0]) / pst[0]) + 1;
        w = pp === 'same' ? Math.ceil(w / pst[1]) : Math.floor((w - ps[1]) / pst[1]) + 1;
      }
    }
    if (r.next() < 0.3) layers.push({ name: 'act', config: { kind: 'activation', activation: pick(ACTS) } });
    layers.push({ name: 'flatten', config: { kind: 'flatten' } });
    width = h * w * c;
  }
  const dense = 1 + r.int(3);
  for (let i = 0; i < dense; i++) {
    const units = 1 + r.int(i === dense - 1 ? 20 : 200);
    const name = `dense_${i}`;
    layers.push({ name, config: { kind: 'dense', units, activation: i === dense - 1 ? pick(['softmax', 'linear'] as const) : pick(ACTS), useBias: true } });
    kernel(name, [width, units]);
    tensors.set(`${name}/bias`, randomBias(r, units));
    if (r.next() < 0.3) layers.push({ name: `dropout_${i}`, config: { kind: 'dropout', rate: 0.5 } });
    width = units;
  }
  return { name: `random-${family}-${seed}`, inputShape, layers, tensors, stages: [] };
}

/** Random inputs with about `zeros` of them exactly zero (to exercise zero skipping). */
export function randomInput(seed: number, n: number, zeros = 0.5): Float32Array {
  const r = createRandom(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = r.next() < zeros ? 0 : r.next() * 2 - 0.5;
  return x;
}

/**
 * A random LeNet-5 (Caffe variant, as in the paper): conv 5×5×20, max pool, conv 5×5×50, max pool,
 * dense 500, dense 10, pruned to the paper's kept fractions (66 %, 12 %, 8 %, 19 %), 8-bit conv and
 * 5-bit dense codebooks.
 */
export function randomLenet5(seed: number): CompressedModel {
  const r = createRandom(seed);
  const tensors = new Map<string, CompressedTensor>();
  const add = (name: string, shape: number[], density: number, bits: number) => {
    tensors.set(`${name}/kernel`, randomKernel(r, { shape, density, bits, layout: 'sparse-coded' }));
    tensors.set(`${name}/bias`, randomBias(r, shape[shape.length - 1]));
  };
  add('conv1', [5, 5, 1, 20], 0.66, 8);
  add('conv2', [5, 5, 20, 50], 0.12, 8);
  add('fc1', [800, 500], 0.08, 5);
  add('fc2', [500, 10], 0.19, 5);
  const conv = (filters: number) => ({ kind: 'conv2d', filters, kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'relu', useBias: true }) as const;
  const pool = { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
  const layers: LayerTopology[] = [
    { name: 'conv1', config: conv(20) },
    { name: 'pool1', config: pool },
    { name: 'conv2', config: conv(50) },
    { name: 'pool2', config: pool },
    { name: 'flatten', config: { kind: 'flatten' } },
    { name: 'fc1', config: { kind: 'dense', units: 500, activation: 'relu', useBias: true } },
    { name: 'fc2', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true } },
  ];
  return { name: `random-lenet5-${seed}`, inputShape: [28, 28, 1], layers, tensors, stages: [] };
}
