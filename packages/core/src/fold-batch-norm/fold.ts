/**
 * Batch-norm folding on the IR: each `batchNorm` whose input is a linear `dense`, `conv2d` or
 * `depthwiseConv2d` node that feeds nothing else is merged into that node. With
 * `s = gamma / sqrt(movingVariance + epsilon)` per output channel, computed in float64:
 * `kernel' = kernel · s`, `bias' = (bias − movingMean) · s + beta` — exactly the function the pair
 * computed at inference, up to one float32 rounding per weight. Zero weights stay `+0` (pruning
 * masks stay true), and a channel with `s = 0` (gamma exactly 0) is left unfolded so no new zeros
 * appear. Any other batch norm stays as the affine op the runtimes execute.
 */
import { inputNameOf, inputsOf, isChain } from '../ir/graph.js';
import type { Layer, Model, Tensor } from '../ir/model.js';

/** Why a batch norm was not folded, by its name. */
export interface FoldResult {
  readonly model: Model;
  /** `[batchNorm, into]` pairs that were folded. */
  readonly folded: readonly (readonly [string, string])[];
  /** Batch norms kept as affine ops, with why. */
  readonly kept: readonly { readonly node: string; readonly reason: string }[];
}

const FOLDABLE = new Set(['dense', 'conv2d', 'depthwiseConv2d']);

/** Per-channel scale and shift of a batch norm, in float64; undefined when a channel scale is 0 or not finite. */
function affineOf(bn: Layer): { scale: Float64Array; shift: Float64Array } | undefined {
  if (bn.config.kind !== 'batchNorm') return undefined;
  const { epsilon } = bn.config;
  const mean = bn.params.movingMean!.values;
  const variance = bn.params.movingVariance!.values;
  const gamma = bn.params.gamma?.values;
  const beta = bn.params.beta?.values;
  const scale = new Float64Array(mean.length);
  const shift = new Float64Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    scale[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + epsilon);
    if (scale[c] === 0 || !Number.isFinite(scale[c])) return undefined;
    shift[c] = (beta ? beta[c] : 0) - mean[c] * scale[c];
  }
  return { scale, shift };
}

/** The node `producer` with the batch norm's affine map folded into its kernel and bias. */
function foldInto(producer: Layer, affine: { scale: Float64Array; shift: Float64Array }): Layer {
  const kernel = producer.params.kernel!;
  const channels = affine.scale.length;
  const values = new Float32Array(kernel.values.length);
  for (let i = 0; i < values.length; i++) {
    const w = kernel.values[i];
    values[i] = w === 0 ? 0 : w * affine.scale[i % channels];
  }
  const oldBias = producer.params.bias?.values;
  const bias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) bias[c] = (oldBias ? oldBias[c] : 0) * affine.scale[c] + affine.shift[c];
  const params: Record<string, Tensor> = { ...producer.params, kernel: { shape: [...kernel.shape], values }, bias: { shape: [channels], values: bias } };
  return { ...producer, config: { ...producer.config, useBias: true } as Layer['config'], params };
}

/** Folds every foldable batch norm of `model` (see the module comment); the input is not changed. */
export function foldBatchNormModel(model: Model): FoldResult {
  const inputName = inputNameOf(model);
  const nodes: Layer[] = model.layers.map((l, i) => ({ ...l, inputs: [...inputsOf(model, i)] }));
  const readers = new Map<string, number>();
  for (const n of nodes) for (const name of n.inputs!) readers.set(name, (readers.get(name) ?? 0) + 1);
  const byName = new Map(nodes.map((n, i) => [n.name, i]));
  const folded: [string, string][] = [];
  const kept: { node: string; reason: string }[] = [];
  const renamed = new Map<string, string>();
  const removed = new Set<number>();
  nodes.forEach((bn, i) => {
    if (bn.config.kind !== 'batchNorm') return;
    const source = bn.inputs![0];
    const p = byName.get(source);
    const producer = p === undefined ? undefined : nodes[p];
    const why =
      !producer ? `its input is the model input "${inputName}"`
      : !FOLDABLE.has(producer.config.kind) ? `its input "${source}" is a ${producer.config.kind} node`
      : (producer.config as { activation: string }).activation !== 'linear' ? `its input "${source}" applies ${(producer.config as { activation: string }).activation} first`
      : readers.get(source) !== 1 ? `"${source}" also feeds other nodes`
      : undefined;
    const affine = why === undefined ? affineOf(bn) : undefined;
    if (why !== undefined || !affine) {
      kept.push({ node: bn.name, reason: why ?? 'a channel scale gamma / sqrt(variance + epsilon) is 0 or not finite' });
      return;
    }
    nodes[p!] = foldInto(producer!, affine);
    removed.add(i);
    renamed.set(bn.name, source);
    folded.push([bn.name, source]);
  });
  if (folded.length === 0) return { model, folded, kept };
  const layers = nodes.filter((_, i) => !removed.has(i)).map((n) => ({ ...n, inputs: n.inputs!.map((name) => renamed.get(name) ?? name) }));
  const graph: Model = { ...model, layers };
  const out: Model = isChain(graph) ? { ...model, layers: layers.map(({ inputs: _inputs, ...rest }) => rest) } : graph;
  return { model: out, folded, kept };
}
