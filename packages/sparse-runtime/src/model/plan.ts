/**
 * The execution plan every backend runs: a compressed model's graph resolved by core's op table
 * (`checkGraph`: explicit inputs, every shape) into one {@link PlanStep} per node, in topological
 * order, with its parameters resolved (kernels still compressed, small vectors as float32), its
 * activation with defaults applied, and the buffer schedule (which values die after which step,
 * which step may overwrite an input, the peak activation memory). The plan has no shape rules of
 * its own: core's op table is the one place for them.
 *
 * Values are numbered: {@link INPUT_VALUE} (0) is the model input, step `i` writes value `i + 1`.
 * Batch-norm nodes that directly follow a linear dense/conv/depthwise node are folded into it
 * (see `fold-batch-norm.ts`), and an activation node after such a node (or its folded batch norm)
 * is fused into it (see `fuse-activations.ts`), so such a model has fewer steps than nodes;
 * `PlanStep.nodes` names every node a step computes.
 */
import { activationParams, checkGraph, DcError, OPS, type ActivationParams, type CompressedModel, type LayerConfig, type ResolvedNode, type Shape } from '@dc/core';
import { foldableBatchNorms, foldBatchNorm } from './fold-batch-norm.js';
import { fusableActivations } from './fuse-activations.js';
import { resolveParams, type PlanParams } from './plan-params.js';
import { scheduleOf, type Schedule } from './schedule.js';
import { windowOf, type Window } from './window.js';

export { windowAxis } from '@dc/core';
export type { Hwc, Pads, Window } from './window.js';
export type { PlanParams } from './plan-params.js';
export type { Schedule } from './schedule.js';

/** A value of the plan: {@link INPUT_VALUE} is the model input, `i + 1` the output of step `i`. */
export type ValueId = number;

/** The id of the model input. */
export const INPUT_VALUE: ValueId = 0;

/** One step: a node (or a node with a batch norm folded in and an activation fused) with everything a kernel needs. */
export interface PlanStep<C extends LayerConfig = LayerConfig> {
  /** Position in {@link ModelPlan.steps}. */
  readonly index: number;
  /** The node's name (for a folded step: the node that holds the kernel). */
  readonly name: string;
  readonly kind: C['kind'];
  /** The node's configuration as core's op table read it (defaults filled in). */
  readonly config: C;
  /** The values it reads, in the node's input order (a value may appear twice). */
  readonly inputs: readonly ValueId[];
  /** Shapes of those values, without the batch axis. */
  readonly inputShapes: readonly Shape[];
  /** The value it writes: always `index + 1`. */
  readonly output: ValueId;
  readonly outputShape: Shape;
  /** Elements per sample of the output. */
  readonly outputSize: number;
  /**
   * Its parameters: `kernel` still compressed (for a folded step, re-scaled per output channel:
   * see `fold-batch-norm.ts`); `bias` and the batch-norm vectors as float32, defaults resolved.
   */
  readonly params: PlanParams;
  /**
   * The activation applied last, defaults resolved (`dense`, `conv2d`, `depthwiseConv2d`: the
   * layer option, or the fused activation node's; `activation` nodes: theirs); null for ops
   * without one.
   */
  readonly activation: ActivationParams | null;
  /** Window geometry of `conv2d`, `depthwiseConv2d`, `maxPool2d`, `avgPool2d` (pads as tfjs splits them); else null. */
  readonly window: Window | null;
  /** Every node this step computes: its own name, then a folded batch norm's, then a fused activation's. */
  readonly nodes: readonly string[];
}

/** The plan of a whole model. */
export interface ModelPlan extends Schedule {
  readonly name: string;
  readonly inputShape: Shape;
  readonly inputSize: number;
  readonly outputShape: Shape;
  readonly outputSize: number;
  /** In topological order; the last step writes the model output. */
  readonly steps: readonly PlanStep[];
  /** True when each step reads exactly the previous step's output (the first: the model input). */
  readonly isChain: boolean;
}

/** Options of {@link planModel}. */
export interface PlanOptions {
  /**
   * Fold a batch norm into the dense/conv/depthwise node before it when that node has no
   * nonlinear activation and feeds only the batch norm (default true).
   */
  readonly foldBatchNorm?: boolean;
  /**
   * Fuse an activation node (softmax excepted) into the linear dense/conv/depthwise node before
   * it, or the batch norm folded into one, when it is that value's only reader (default true;
   * outputs bit for bit the same, one pass over the output fewer).
   */
  readonly fuseActivations?: boolean;
}

const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

function activationOf(config: LayerConfig): ActivationParams | null {
  switch (config.kind) {
    case 'dense':
    case 'conv2d':
    case 'conv2dTranspose':
    case 'depthwiseConv2d':
      return activationParams(config.activation);
    case 'activation':
      return activationParams(config);
    default:
      return null;
  }
}

/** Refuses a kind missing from core's op table (a model built in memory by hand) as `UNSUPPORTED_LAYER`. */
function assertKnownKinds(cm: CompressedModel): void {
  if (!Array.isArray(cm.layers)) return;
  for (const layer of cm.layers as readonly { name?: unknown; config?: { kind?: unknown } }[]) {
    const kind = layer?.config?.kind;
    if (typeof kind === 'string' && !Object.hasOwn(OPS, kind)) {
      const name = String(layer.name);
      throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" has kind "${kind}", which @dc/sparse-runtime cannot run`, {
        tensor: name,
        hint: `Supported node kinds: ${Object.keys(OPS).join(', ')}.`,
      });
    }
  }
}

/**
 * Plans `cm`: checks its graph with core's op table (`INVALID_MODEL` naming the node for a bad
 * topology, shape or tensor; `UNSUPPORTED_LAYER` naming the node and kind for a kind the table
 * lacks), resolves parameters, folds batch norms (unless `foldBatchNorm: false`), fuses
 * activations (unless `fuseActivations: false`) and schedules buffers.
 */
export function planModel(cm: CompressedModel, options: PlanOptions = {}): ModelPlan {
  assertKnownKinds(cm);
  const graph = checkGraph({ inputShape: cm.inputShape, inputName: cm.inputName, layers: cm.layers }, 'INVALID_MODEL', { params: false });
  const folds = options.foldBatchNorm === false ? new Map<number, number>() : foldableBatchNorms(graph.nodes);
  const fusions = options.fuseActivations === false ? new Map<number, number>() : fusableActivations(graph.nodes, folds);
  // Folded batch norms and fused activations have no step: each stands for its producer's value.
  const absorbed = new Set([...folds.values(), ...fusions.values()]);
  // Which value each node name (and the input) stands for.
  const valueOf = new Map<string, ValueId>([[graph.inputName, INPUT_VALUE]]);
  const shapeOf: Shape[] = [graph.inputShape];
  const steps: PlanStep[] = [];
  graph.nodes.forEach((node: ResolvedNode, i) => {
    if (absorbed.has(i)) {
      valueOf.set(node.name, valueOf.get(node.inputs[0])!);
      return;
    }
    let params = resolveParams(cm, node);
    const nodes = [node.name];
    const bn = folds.get(i);
    if (bn !== undefined) {
      const norm = graph.nodes[bn];
      params = foldBatchNorm(params, resolveParams(cm, norm), norm.config as Extract<LayerConfig, { kind: 'batchNorm' }>);
      nodes.push(norm.name);
    }
    const act = fusions.get(i);
    if (act !== undefined) nodes.push(graph.nodes[act].name);
    const index = steps.length;
    const inputs = node.inputs.map((n) => valueOf.get(n)!);
    steps.push({
      index,
      name: node.name,
      kind: node.config.kind,
      config: node.config,
      inputs,
      inputShapes: inputs.map((v) => shapeOf[v]),
      output: index + 1,
      outputShape: node.outputShape,
      outputSize: size(node.outputShape),
      params,
      activation: activationOf(act === undefined ? node.config : graph.nodes[act].config),
      window: windowOf(node),
      nodes,
    });
    valueOf.set(node.name, index + 1);
    shapeOf.push(node.outputShape);
  });
  const last = steps[steps.length - 1];
  return {
    name: cm.name,
    inputShape: graph.inputShape,
    inputSize: size(graph.inputShape),
    outputShape: last.outputShape,
    outputSize: last.outputSize,
    steps,
    isChain: steps.every((s, i) => s.inputs.length === 1 && s.inputs[0] === i),
    ...scheduleOf(graph.inputShape, steps),
  };
}
