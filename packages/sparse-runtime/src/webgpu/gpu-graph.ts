/**
 * A compressed model as GPU work: its nodes in topological order, each with the value ids it
 * reads (0: the model input, `i + 1`: node `i`'s output), its GPU steps and its output size, and
 * the pooled buffers that hold the values (see steps/buffer-plan.ts). Host-side only.
 */
import { activationParams, checkGraph, densify, sizeOfShape, windowAxis, type CompressedModel, type LayerConfig, type ParamName, type ResolvedNode } from '@dc/core';
import { poolBuffers, type BufferPlan, type BufferSchedule } from './steps/buffer-plan.js';
import type { GpuNode } from './steps/gpu-step.js';
import type { WindowGeometry } from './steps/kernel-steps.js';
import { gpuNodeOf, type GpuNodeSource } from './steps/node-steps.js';

/** One node of a {@link GpuGraph}. */
export interface GpuGraphNode extends GpuNode {
  /** Value ids it reads, in input order. */
  readonly inputs: readonly number[];
  /** Elements per sample of its output. */
  readonly outputSize: number;
}

/** What the executor runs. */
export interface GpuGraph {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly nodes: readonly GpuGraphNode[];
  readonly buffers: BufferPlan;
}

const ONE: readonly [number, number] = [1, 1];

function windowOf(n: ResolvedNode): WindowGeometry | null {
  const c = n.config;
  if (c.kind !== 'conv2d' && c.kind !== 'depthwiseConv2d' && c.kind !== 'maxPool2d' && c.kind !== 'avgPool2d') return null;
  const kernelSize = 'kernelSize' in c ? c.kernelSize : c.poolSize;
  const dilation = ('dilationRate' in c ? c.dilationRate : undefined) ?? ONE;
  const [input, output] = [n.inputShapes[0], n.outputShape];
  const y = windowAxis(input[0], kernelSize[0], c.strides[0], c.padding, dilation[0]);
  const x = windowAxis(input[1], kernelSize[1], c.strides[1], c.padding, dilation[1]);
  return { input: [input[0], input[1], input[2]], output: [output[0], output[1], output[2]], kernelSize, strides: c.strides, dilation, pads: { top: y.before, left: x.before } };
}

function sourceOf(cm: CompressedModel, n: ResolvedNode): GpuNodeSource {
  const tensor = (p: ParamName) => cm.tensors.get(`${n.name}/${p}`);
  const vector = (p: ParamName) => {
    const t = tensor(p);
    return t ? densify(t) : undefined;
  };
  const c: LayerConfig = n.config;
  const activation = c.kind === 'activation' ? activationParams(c) : 'activation' in c ? activationParams(c.activation) : null;
  const params = { kernel: tensor('kernel'), bias: vector('bias'), gamma: vector('gamma'), beta: vector('beta'), movingMean: vector('movingMean'), movingVariance: vector('movingVariance') };
  return { name: n.name, config: c, inputShapes: n.inputShapes, outputShape: n.outputShape, params, activation, window: windowOf(n) };
}

const VIEWS = new Set(['flatten', 'reshape', 'dropout']);

/** Views share their input's buffer; every other node opens one; a buffer dies after its last reader. */
function scheduleOf(inputSize: number, nodes: readonly ResolvedNode[], inputs: readonly (readonly number[])[]): BufferSchedule {
  const valueSizes = [inputSize, ...nodes.map((n) => sizeOfShape(n.outputShape))];
  const bufferOf = [0];
  nodes.forEach((n, i) => bufferOf.push(VIEWS.has(n.config.kind) ? bufferOf[inputs[i][0]] : i + 1));
  const last = new Map<number, number>();
  inputs.forEach((values, i) => values.forEach((v) => last.set(bufferOf[v], i)));
  last.delete(bufferOf[nodes.length]);
  const frees: number[][] = nodes.map(() => []);
  for (const [buffer, i] of last) frees[i].push(buffer);
  return { valueSizes, bufferOf, frees };
}

/** The GPU work of `cm` (whose topology the loader has already checked). */
export function gpuGraphOf(cm: CompressedModel): GpuGraph {
  const graph = checkGraph(cm, 'INVALID_MODEL');
  const ids = new Map<string, number>([[graph.inputName, 0]]);
  graph.nodes.forEach((n, i) => ids.set(n.name, i + 1));
  const inputs = graph.nodes.map((n) => n.inputs.map((name) => ids.get(name)!));
  const inputSize = sizeOfShape(graph.inputShape);
  const schedule = scheduleOf(inputSize, graph.nodes, inputs);
  const nodes = graph.nodes.map((n, i): GpuGraphNode => {
    const readsOutput = inputs[i].map((v) => !VIEWS.has(n.config.kind) && schedule.bufferOf[v] === schedule.bufferOf[i + 1]);
    return { ...gpuNodeOf(sourceOf(cm, n), readsOutput), inputs: inputs[i], outputSize: sizeOfShape(n.outputShape) };
  });
  return { inputSize, outputSize: sizeOfShape(graph.outputShape), nodes, buffers: poolBuffers(schedule) };
}
