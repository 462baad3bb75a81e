/**
 * Where bias correction applies: a float32 weight that one linear op — a 2-D convolution, a
 * depthwise convolution or a matrix product — consumes as its filter, and the bias that op adds to
 * its output (fused, as tfjs-converter writes `_FusedConv2D` / `FusedDepthwiseConv2dNative` /
 * `_FusedMatMul` with `BiasAdd` first among their fused ops, or a `BiasAdd` / `Add` node right
 * after the op). Changing such a weight by ΔW moves the mean of that op's output by ΔW applied to
 * the mean input patch; the bias can take the move back (see bias-correction.ts).
 */
import { intsAttr, nodesOf, sourceName, stringAttr, stringsAttr, type GraphNode } from './graph-def.js';
import type { GraphModelSource, GraphModelSourceTensor } from './source.js';

/** How a convolution walks its input (NHWC): strides, dilations and padding along height and width. */
export interface ConvGeometry {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** `SAME`, `VALID`, or explicit `[top, bottom, left, right]` zeros. */
  readonly padding: 'SAME' | 'VALID' | readonly [number, number, number, number];
}

/** One weight and the bias of the op that consumes it. */
export interface BiasLink {
  readonly weight: string;
  readonly bias: string;
  /** The op's data input, a node output as `GraphModel.execute` names it. */
  readonly input: string;
  readonly op: 'conv2d' | 'depthwise' | 'matmul';
  /** Convolutions only. */
  readonly geometry?: ConvGeometry;
  /**
   * The "bias" is subtracted from the op's output, so it takes the shift with the opposite sign: the
   * moving mean of a batch norm right after an op without a bias of its own (a LayersModel's
   * `Conv2D` → `BatchNormalization`). Absent: added, as a bias is.
   */
  readonly subtracted?: boolean;
}

const CONV = new Set(['Conv2D', '_FusedConv2D']);
const DEPTHWISE = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const MATMUL = new Set(['MatMul', '_FusedMatMul']);
const FUSED = new Set(['_FusedConv2D', 'FusedDepthwiseConv2dNative', '_FusedMatMul']);

const pair = (xs: readonly number[] | undefined): [number, number] | undefined => (xs && xs.length === 4 ? [xs[1], xs[2]] : undefined);

function geometryOf(node: GraphNode, weight: GraphModelSourceTensor): ConvGeometry | undefined {
  const strides = pair(intsAttr(node, 'strides')) ?? [1, 1];
  const dilations = pair(intsAttr(node, 'dilations')) ?? [1, 1];
  const padding = stringAttr(node, 'padding');
  const kernel: [number, number] = [weight.shape[0], weight.shape[1]];
  if (padding === 'SAME' || padding === 'VALID') return { kernel, strides, dilations, padding };
  const explicit = intsAttr(node, 'explicit_paddings');
  if (padding === 'EXPLICIT' && explicit?.length === 8) return { kernel, strides, dilations, padding: [explicit[2], explicit[3], explicit[4], explicit[5]] };
  return undefined;
}

/** The op kind of `node` consuming `weight` as its filter, when bias correction understands it (NHWC, no transposes). */
function linearOp(node: GraphNode, weight: GraphModelSourceTensor): BiasLink['op'] | undefined {
  const op = node.op ?? '';
  if (sourceName(node.input?.[1] ?? '') !== weight.name || sourceName(node.input?.[0] ?? '') === weight.name) return undefined;
  const format = stringAttr(node, 'data_format');
  if (format !== undefined && format !== 'NHWC') return undefined;
  if (CONV.has(op) && weight.shape.length === 4) return 'conv2d';
  if (DEPTHWISE.has(op) && weight.shape.length === 4) return 'depthwise';
  if (MATMUL.has(op) && weight.shape.length === 2 && !node.attr?.transpose_a?.b && !node.attr?.transpose_b?.b) return 'matmul';
  return undefined;
}

/** Output channels of `weight` under `op`: the last extent, or c·m for a depthwise filter. */
export function outputChannels(op: BiasLink['op'], shape: readonly number[]): number {
  return op === 'depthwise' ? shape[2] * shape[3] : shape[shape.length - 1];
}

/**
 * Every weight of `source` among `weights` with a bias to correct (see the module comment). A link
 * needs the weight and the bias to be float32 and each used by this op alone, the bias to hold
 * one value per output channel, and the op to read NHWC data without transposes; other weights
 * have none.
 */
export function biasLinks(source: GraphModelSource, weights: ReadonlySet<string>): BiasLink[] {
  const nodes = nodesOf(source.artifacts.modelTopology);
  const consumers = new Map<string, GraphNode[]>();
  for (const n of nodes) {
    for (const i of n.input ?? []) {
      const s = sourceName(i);
      const users = consumers.get(s);
      if (users) users.push(n);
      else consumers.set(s, [n]);
    }
  }
  const tensors = new Map(source.tensors.map((t) => [t.name, t]));
  const links: BiasLink[] = [];
  for (const name of weights) {
    const weight = tensors.get(name);
    const users = consumers.get(name) ?? [];
    if (weight?.dtype !== 'float32' || users.length !== 1) continue;
    const node = users[0];
    const op = linearOp(node, weight);
    if (!op) continue;
    let bias: string | undefined;
    if (FUSED.has(node.op ?? '')) {
      if (stringsAttr(node, 'fused_ops')[0] === 'BiasAdd') bias = sourceName(node.input?.[2] ?? '');
    } else {
      const next = consumers.get(node.name ?? '') ?? [];
      const add = next.length === 1 && /^(BiasAdd|Add|AddV2)$/.test(next[0].op ?? '') ? next[0] : undefined;
      const other = add?.input?.filter((i) => sourceName(i) !== node.name) ?? [];
      if (add && other.length === 1 && add.input?.length === 2) bias = sourceName(other[0]);
    }
    const b = bias === undefined ? undefined : tensors.get(bias);
    if (!b || b.dtype !== 'float32' || b.values.length !== outputChannels(op, weight.shape) || (consumers.get(b.name) ?? []).length !== 1) continue;
    const geometry = op === 'matmul' ? undefined : geometryOf(node, weight);
    if (op !== 'matmul' && !geometry) continue;
    links.push({ weight: name, bias: b.name, input: (node.input?.[0] ?? '').replace(/^\^/, ''), op, ...(geometry ? { geometry } : {}) });
  }
  return links;
}
