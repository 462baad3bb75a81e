/**
 * Random compressed DAGs for conformance tests (exported for every backend's suite): residual
 * blocks, dense-block concatenations, separable stacks (depthwise multiplier 1 or 2, then a 1×1
 * convolution), batch norms that fold and that do not, dilation 2, SAME/VALID with strides 1 and
 * 2, other merges, pooling, padding and cropping, PReLU, self-attention over pixels (`dot`), on
 * odd spatial sizes; kernels pruned and
 * clustered (`compressModel`) in every tensor layout.
 */
import { createRandom, type Activation, type CompressedModel, type LayerConfig, type Padding, type RandomSource } from '@dc/core';
import { withRandomParams } from '@dc/core/testing';
import { compressModel } from './compress-model.js';
import { GraphBuilder } from './graph-builder.js';

/** Options of {@link randomGraph}. */
export interface RandomGraphOptions {
  /** Blocks between the input and the head (default 2 to 4). */
  readonly blocks?: number;
}

const ACTIVATIONS: readonly Activation[] = ['relu', 'relu6', 'swish', 'elu', 'tanh', 'hardSigmoid', 'gelu', 'leakyRelu'];
const MERGES = ['multiply', 'maximum', 'minimum', 'subtract', 'average'] as const;

type Block = (g: GraphBuilder, r: RandomSource, x: string) => string;

const pick = <T>(r: RandomSource, xs: readonly T[]): T => xs[r.int(xs.length)];

/** Window options that fit `x`: kernel, stride, padding, dilation (dilation only at stride 1). */
function window(g: GraphBuilder, r: RandomSource, x: string, maxK = 3) {
  const [h, w] = g.shape(x);
  const strides = r.next() < 0.4 ? 2 : 1;
  const dilation = strides === 1 && r.next() < 0.3 ? 2 : 1;
  const k = 1 + r.int(maxK);
  const span = (k - 1) * dilation + 1;
  const padding: Padding = span <= Math.min(h, w) && r.next() < 0.5 ? 'valid' : 'same';
  return {
    kernelSize: [k, k] as [number, number],
    strides: [strides, strides] as [number, number],
    padding,
    ...(dilation > 1 ? { dilationRate: [dilation, dilation] as [number, number] } : {}),
  };
}

const conv = (filters: number, activation: Activation, w: ReturnType<typeof window>): LayerConfig => ({ kind: 'conv2d', filters, ...w, activation, useBias: true });
const same1 = { kernelSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const };
const bn = (center = true, scale = true): LayerConfig => ({ kind: 'batchNorm', epsilon: 1e-3, center, scale });
const act = (r: RandomSource): LayerConfig => {
  const activation = pick(r, ACTIVATIONS);
  return activation === 'leakyRelu' ? { kind: 'activation', activation, alpha: 0.1 } : { kind: 'activation', activation };
};

const BLOCKS: Readonly<Record<string, Block>> = {
  /** conv (linear) → batch norm (folds) → activation. */
  convBn(g, r, x) {
    const c = g.add('conv', conv(2 + r.int(5), 'linear', window(g, r, x)), [x]);
    return g.add('act', act(r), [g.add('bn', bn(), [c])]);
  },
  /** conv with its own activation → batch norm (cannot fold). */
  convActBn(g, r, x) {
    const c = g.add('conv', conv(2 + r.int(5), pick(r, ['relu', 'sigmoid', 'selu'] as const), window(g, r, x)), [x]);
    return g.add('bn', bn(r.next() < 0.5, r.next() < 0.5), [c]);
  },
  /** x + bn(conv(relu(bn(conv(x))))), then relu; the sum's batch norm sometimes after the add (unfolded). */
  residual(g, r, x) {
    const ch = g.shape(x)[2];
    const a = g.add('act', { kind: 'activation', activation: 'relu' }, [g.add('bn', bn(), [g.add('conv', conv(ch, 'linear', same1), [x])])]);
    const b = g.add('bn', bn(), [g.add('conv', conv(ch, 'linear', { ...same1, ...(r.next() < 0.3 ? { dilationRate: [2, 2] as [number, number] } : {}) }), [a])]);
    const sum = g.add('add', { kind: 'add' }, [x, b]);
    return g.add('act', { kind: 'activation', activation: 'relu' }, [r.next() < 0.3 ? g.add('bn', bn(), [sum]) : sum]);
  },
  /** concat([x, relu(conv(x))]) along channels (a DenseNet block). */
  denseBlock(g, r, x) {
    const u = g.add('conv', conv(1 + r.int(4), 'relu', same1), [x]);
    return g.add('concat', { kind: 'concatenate', axis: -1 }, [x, u]);
  },
  /** depthwise (multiplier 1 or 2) → [batch norm] → 1×1 conv → relu6. */
  separable(g, r, x) {
    const w = window(g, r, x);
    let d = g.add('dw', { kind: 'depthwiseConv2d', ...w, depthMultiplier: 1 + r.int(2), activation: 'linear', useBias: r.next() < 0.5 }, [x]);
    if (r.next() < 0.6) d = g.add('bn', bn(), [d]);
    const p = g.add('pw', conv(2 + r.int(5), 'linear', { kernelSize: [1, 1], strides: [1, 1], padding: 'valid' }), [d]);
    return g.add('act', { kind: 'activation', activation: 'relu6' }, [p]);
  },
  /** Two branches of the same shape merged by multiply, maximum, minimum, subtract or average. */
  merge(g, r, x) {
    const ch = g.shape(x)[2];
    const a = g.add('dw', { kind: 'depthwiseConv2d', ...same1, depthMultiplier: 1, activation: 'tanh', useBias: true }, [x]);
    const b = g.add('pw', conv(ch, 'sigmoid', { kernelSize: [1, 1], strides: [1, 1], padding: 'same' }), [x]);
    return g.add('merge', { kind: pick(r, MERGES) }, [a, b]);
  },
  /** max or average pooling. */
  pool(g, r, x) {
    const { kernelSize, strides, padding } = window(g, r, x);
    return g.add('pool', { kind: r.next() < 0.5 ? 'maxPool2d' : 'avgPool2d', poolSize: kernelSize, strides, padding }, [x]);
  },
  /** zero padding, then cropping. */
  padCrop(g, r, x) {
    const p = g.add('pad', { kind: 'zeroPadding2d', amounts: [[r.int(2), 1], [1, r.int(3)]] }, [x]);
    return g.add('crop', { kind: 'cropping2d', amounts: [[1, r.int(2)], [r.int(2), 1]] }, [p]);
  },
};

/** Blocks of op set 3 nodes, added after the others (see {@link randomGraph}). */
const LATE_BLOCKS: readonly Block[] = [
  /** conv (linear) → PReLU, one slope per channel (shared over height and width) or per element. */
  function prelu(g, r, x) {
    const c = g.add('conv', conv(2 + r.int(5), 'linear', window(g, r, x)), [x]);
    return g.add('prelu', { kind: 'prelu', ...(r.next() < 0.6 ? { sharedAxes: [1, 2] } : {}) }, [c]);
  },
  /**
   * Self-attention over the pixels: the map as `[pixels, channels]`, scores of every pixel
   * against every other by `dot` (axes 2, 2; cosine when normalized), a softmax over them, the
   * context `dot` (axes 2, 1) added back to the map.
   */
  function attention(g, r, x) {
    const [h, w, ch] = g.shape(x);
    const flat = g.add('pixels', { kind: 'reshape', targetShape: [h * w, ch] }, [x]);
    const key = g.add('key', conv(ch, 'linear', { kernelSize: [1, 1], strides: [1, 1], padding: 'valid' }), [x]);
    const keys = g.add('keys', { kind: 'reshape', targetShape: [h * w, ch] }, [key]);
    const scores = g.add('scores', { kind: 'dot', axes: [2, 2], normalize: r.next() < 0.3 }, [flat, keys]);
    const weights = g.add('attend', { kind: 'activation', activation: 'softmax' }, [scores]);
    const context = g.add('context', { kind: 'dot', axes: [2, 1], normalize: false }, [weights, flat]);
    return g.add('add', { kind: 'add' }, [x, g.add('unflat', { kind: 'reshape', targetShape: [h, w, ch] }, [context])]);
  },
];

/**
 * A random compressed DAG for `seed`: an input of odd or even height and width (5 to 11) and 1 to
 * 3 channels, 2 to 4 random blocks (for six seeds in ten, then a PReLU or a self-attention block),
 * then global pooling or flatten and a softmax dense head.
 * Kernels pruned to 30–90 % and clustered to 2–6 bits, in rotating layouts.
 */
export function randomGraph(seed: number, options: RandomGraphOptions = {}): CompressedModel {
  const r = createRandom(seed);
  const g = new GraphBuilder([5 + r.int(7), 5 + r.int(7), 1 + r.int(3)]);
  const names = Object.keys(BLOCKS);
  let x = 'input';
  const blocks = options.blocks ?? 2 + r.int(3);
  for (let i = 0; i < blocks; i++) {
    const [h, w] = g.shape(x);
    // Keep at least 3×3 pixels for the next block's windows.
    const name = h < 4 || w < 4 ? pick(r, ['residual', 'denseBlock', 'merge', 'padCrop']) : pick(r, names);
    x = BLOCKS[name](g, r, x);
  }
  // The op set 3 blocks draw from a stream of their own, so the graphs of the other blocks stay as they were.
  const late = createRandom(seed + 7919);
  if (late.next() < 0.6) x = LATE_BLOCKS[late.int(LATE_BLOCKS.length)](g, late, x);
  const pooled = r.next() < 0.7 ? g.add('gap', { kind: r.next() < 0.5 ? 'globalAvgPool2d' : 'globalMaxPool2d' }, [x]) : g.add('flatten', { kind: 'flatten' }, [x]);
  g.add('head', { kind: 'dense', units: 2 + r.int(8), activation: 'softmax', useBias: true }, [pooled]);
  const model = withRandomParams({ name: `random-graph-${seed}`, inputShape: g.inputShape, layers: g.layers }, seed);
  return compressModel(model, { density: 0.3 + 0.6 * r.next(), bits: 2 + r.int(5), layouts: ['sparse-coded', 'sparse-coded', 'dense-coded', 'sparse', 'dense'] });
}
