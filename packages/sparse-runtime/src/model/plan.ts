/**
 * Resolves a compressed model into an execution plan: one step per layer with its input and
 * output shapes, padding amounts and parameter tensors. Every backend executes the same plan, so
 * shape rules (SAME/VALID padding, pooling windows) live here once. Unsupported layers fail here,
 * at load, with `UNSUPPORTED_LAYER` naming the layer.
 */
import { DcError, densify, isChain, V1_ACTIVATIONS, type Activation, type CompressedModel, type CompressedTensor, type LayerConfig, type LayerTopology } from '@dc/core';

/** Height, width, channels of one sample (channels last). */
export type Hwc = readonly [number, number, number];

/** Padding of a window operation, in input pixels. */
export interface Pads {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/** A fully connected layer: `y = act(x · kernel + bias)`, kernel `[inputSize, units]`. */
export interface PlannedDense {
  readonly op: 'dense';
  readonly name: string;
  readonly inputSize: number;
  readonly units: number;
  /** The kernel, still compressed (`[inputSize, units]`, row-major). */
  readonly kernel: CompressedTensor;
  /** The bias as float32 (biases are small and stored dense-ish), or null without bias. */
  readonly bias: Float32Array | null;
  readonly activation: Activation;
}

/** A 2-D convolution, NHWC, kernel `[kh, kw, inC, outC]`. */
export interface PlannedConv2d {
  readonly op: 'conv2d';
  readonly name: string;
  readonly input: Hwc;
  readonly output: Hwc;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: Pads;
  readonly kernel: CompressedTensor;
  readonly bias: Float32Array | null;
  readonly activation: Activation;
}

/** Max or average pooling, NHWC. Average pooling divides by the number of in-bounds elements (as tfjs). */
export interface PlannedPool {
  readonly op: 'maxPool' | 'avgPool';
  readonly name: string;
  readonly input: Hwc;
  readonly output: Hwc;
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: Pads;
}

/** A standalone activation over a tensor whose last axis has `lastDim` elements (softmax normalises over it). */
export interface PlannedActivation {
  readonly op: 'activation';
  readonly name: string;
  readonly activation: Activation;
  readonly size: number;
  readonly lastDim: number;
}

/** Flatten, reshape and dropout: no data moves (row-major layout is unchanged). */
export interface PlannedReshape {
  readonly op: 'reshape';
  readonly name: string;
  readonly kind: 'flatten' | 'reshape' | 'dropout';
  readonly outputShape: readonly number[];
}

/** One step of the plan. */
export type PlannedLayer = PlannedDense | PlannedConv2d | PlannedPool | PlannedActivation | PlannedReshape;

/** The result of {@link planModel}. */
export interface ModelPlan {
  readonly layers: PlannedLayer[];
  readonly outputShape: number[];
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Output length and padding of one spatial axis, as tfjs computes them. */
export function windowAxis(inSize: number, k: number, s: number, padding: 'same' | 'valid'): { out: number; before: number; after: number } {
  if (padding === 'valid') {
    const out = Math.floor((inSize - k) / s) + 1;
    return { out, before: 0, after: 0 };
  }
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + k - inSize, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

function hwc(shape: readonly number[], layer: LayerTopology): Hwc {
  if (shape.length !== 3) {
    throw new DcError('INVALID_MODEL', `layer "${layer.name}" (${layer.config.kind}) needs a [height, width, channels] input, got [${shape.join(', ')}]`, { tensor: layer.name });
  }
  return [shape[0], shape[1], shape[2]];
}

function param(cm: CompressedModel, layer: LayerTopology, p: 'kernel' | 'bias', shape: readonly number[]): CompressedTensor {
  const key = `${layer.name}/${p}`;
  const t = cm.tensors.get(key);
  if (!t) throw new DcError('INVALID_MODEL', `tensor "${key}" is missing`, { tensor: key });
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new DcError('INVALID_MODEL', `tensor "${key}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, { tensor: key });
  }
  return t;
}

function window(shape: Hwc, k: readonly [number, number], s: readonly [number, number], padding: 'same' | 'valid', channels: number, layer: LayerTopology) {
  const y = windowAxis(shape[0], k[0], s[0], padding);
  const x = windowAxis(shape[1], k[1], s[1], padding);
  if (y.out < 1 || x.out < 1) {
    throw new DcError('INVALID_MODEL', `layer "${layer.name}": window ${k.join('x')} does not fit input ${shape.join('x')} with ${padding} padding`, { tensor: layer.name });
  }
  const output: Hwc = [y.out, x.out, channels];
  const pads: Pads = { top: y.before, bottom: y.after, left: x.before, right: x.after };
  return { output, pads };
}

function planLayer(cm: CompressedModel, layer: LayerTopology, shape: readonly number[]): PlannedLayer {
  const c = layer.config as LayerConfig | { kind: string };
  const activation = (c as { activation?: Activation }).activation;
  if (activation !== undefined && !V1_ACTIVATIONS.includes(activation)) {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${layer.name}" uses activation "${activation}", which the sparse runtime cannot execute yet`, { tensor: layer.name });
  }
  switch (c.kind) {
    case 'dense': {
      const cfg = c as Extract<LayerConfig, { kind: 'dense' }>;
      if (shape.length !== 1) {
        throw new DcError('UNSUPPORTED_LAYER', `dense layer "${layer.name}" gets a rank-${shape.length} input [${shape.join(', ')}]`, { tensor: layer.name, hint: 'Add a flatten layer before the dense layer.' });
      }
      const kernel = param(cm, layer, 'kernel', [shape[0], cfg.units]);
      const bias = cfg.useBias ? densify(param(cm, layer, 'bias', [cfg.units])) : null;
      return { op: 'dense', name: layer.name, inputSize: shape[0], units: cfg.units, kernel, bias, activation: cfg.activation };
    }
    case 'conv2d': {
      const cfg = c as Extract<LayerConfig, { kind: 'conv2d' }>;
      const input = hwc(shape, layer);
      const kernel = param(cm, layer, 'kernel', [cfg.kernelSize[0], cfg.kernelSize[1], input[2], cfg.filters]);
      const bias = cfg.useBias ? densify(param(cm, layer, 'bias', [cfg.filters])) : null;
      const { output, pads } = window(input, cfg.kernelSize, cfg.strides, cfg.padding, cfg.filters, layer);
      return { op: 'conv2d', name: layer.name, input, output, kernelSize: cfg.kernelSize, strides: cfg.strides, pads, kernel, bias, activation: cfg.activation };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const cfg = c as Extract<LayerConfig, { kind: 'maxPool2d' | 'avgPool2d' }>;
      const input = hwc(shape, layer);
      const { output, pads } = window(input, cfg.poolSize, cfg.strides, cfg.padding, input[2], layer);
      return { op: cfg.kind === 'maxPool2d' ? 'maxPool' : 'avgPool', name: layer.name, input, output, poolSize: cfg.poolSize, strides: cfg.strides, pads };
    }
    case 'activation': {
      const cfg = c as Extract<LayerConfig, { kind: 'activation' }>;
      return { op: 'activation', name: layer.name, activation: cfg.activation, size: size(shape), lastDim: shape[shape.length - 1] ?? 1 };
    }
    case 'flatten':
      return { op: 'reshape', name: layer.name, kind: 'flatten', outputShape: [size(shape)] };
    case 'dropout':
      return { op: 'reshape', name: layer.name, kind: 'dropout', outputShape: [...shape] };
    case 'reshape': {
      const cfg = c as Extract<LayerConfig, { kind: 'reshape' }>;
      const target = [...cfg.targetShape];
      const free = target.indexOf(-1);
      if (free >= 0) target[free] = size(shape) / -size(target);
      if (size(target) !== size(shape) || !target.every((d) => Number.isInteger(d) && d > 0)) {
        throw new DcError('INVALID_MODEL', `reshape "${layer.name}" cannot turn [${shape.join(', ')}] into [${cfg.targetShape.join(', ')}]`, { tensor: layer.name });
      }
      return { op: 'reshape', name: layer.name, kind: 'reshape', outputShape: target };
    }
    default:
      throw new DcError('UNSUPPORTED_LAYER', `layer "${layer.name}" has kind "${c.kind}", which the sparse runtime cannot execute`, { tensor: layer.name });
  }
}

/** The output shape of a planned layer. */
export function outputShapeOf(step: PlannedLayer, input: readonly number[]): readonly number[] {
  switch (step.op) {
    case 'dense': return [step.units];
    case 'conv2d': case 'maxPool': case 'avgPool': return step.output;
    case 'activation': return input;
    case 'reshape': return step.outputShape;
  }
}

/**
 * Plans every layer of `cm` in order. Throws `UNSUPPORTED_LAYER` for a layer kind the runtime
 * does not execute and `INVALID_MODEL` for a tensor whose shape does not match its layer.
 */
export function planModel(cm: CompressedModel): ModelPlan {
  if (!isChain(cm)) throw new DcError('UNSUPPORTED_TOPOLOGY', `model "${cm.name}" is a graph; the sparse runtime executes chains of layers only`);
  let shape: readonly number[] = [...cm.inputShape];
  const layers: PlannedLayer[] = [];
  for (const layer of cm.layers) {
    const step = planLayer(cm, layer, shape);
    layers.push(step);
    shape = outputShapeOf(step, shape);
  }
  return { layers, outputShape: [...shape] };
}
