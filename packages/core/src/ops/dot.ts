/** `dot`: the dot product of two inputs along one axis of each, as tfjs's `Dot` layer (op set 3). */
import type { DotConfig } from '../ir/model.js';
import { fail } from './config-reader.js';
import { defineOp, type OpSite, type Shape } from './op-spec.js';

/** The floor under a summed square in `normalize` (tfjs's `l2Normalize` takes `sqrt(max(Σ x², epsilon()))`, `epsilon()` 1e-7). */
export const DOT_NORM_EPSILON = 1e-7;

/** One input's walk: its extent along the axis it keeps, and its per-sample strides along that axis and the summed one. */
export interface DotOperand {
  /** Extent of the axis the output keeps (1 for a rank-1 input, which keeps none). */
  readonly free: number;
  /** Elements between neighbours along the kept axis (0 for a rank-1 input). */
  readonly freeStride: number;
  /** Elements between neighbours along the summed axis. */
  readonly sumStride: number;
}

/**
 * How a `dot` node reads its inputs: output element `i · second.free + j` of a sample is
 * `Σ_k x[i · first.freeStride + k · first.sumStride] · y[j · second.freeStride + k · second.sumStride]`
 * for `k` below `depth` (each input divided by its norm along `k` first with `normalize`).
 */
export interface DotGeometry {
  readonly first: DotOperand;
  readonly second: DotOperand;
  /** Extent of the summed axes. */
  readonly depth: number;
  /** The output shape without the batch axis. */
  readonly outputShape: Shape;
}

function operand(shape: Shape, axis: number, which: string, site: OpSite): DotOperand & { depth: number; kept: Shape } {
  if (shape.length !== 1 && shape.length !== 2) fail(site.code, site.where, `the ${which} input has shape [${shape.join(', ')}]: dot takes inputs of rank 1 or 2 without the batch axis ([d] or [t, d])`);
  if (axis > shape.length) fail(site.code, `${site.where}.config.axes`, `axis ${axis} of the ${which} input does not exist: its shape is [${shape.join(', ')}] (axes count the batch axis as 0)`);
  if (shape.length === 1) return { free: 1, freeStride: 0, sumStride: 1, depth: shape[0], kept: [] };
  const [t, d] = shape;
  return axis === 1 ? { free: d, freeStride: 1, sumStride: d, depth: t, kept: [d] } : { free: t, freeStride: d, sumStride: 1, depth: d, kept: [t] };
}

/** The geometry of a `dot` node on inputs of these shapes; throws the site's code when they do not fit. */
export function dotGeometry(c: DotConfig, inputs: readonly Shape[], site: OpSite): DotGeometry {
  const a = operand(inputs[0], c.axes[0], 'first', site);
  const b = operand(inputs[1], c.axes[1], 'second', site);
  if (a.depth !== b.depth) fail(site.code, site.where, `the summed axes differ in extent: axis ${c.axes[0]} of the first input has ${a.depth}, axis ${c.axes[1]} of the second ${b.depth}`);
  const kept = [...a.kept, ...b.kept];
  return {
    first: { free: a.free, freeStride: a.freeStride, sumStride: a.sumStride },
    second: { free: b.free, freeStride: b.freeStride, sumStride: b.sumStride },
    depth: a.depth,
    outputShape: kept.length === 0 ? [1] : kept,
  };
}

export const dotOp = defineOp<'dot'>({
  kind: 'dot',
  since: 3,
  arity: [2, 2],
  read(r) {
    const axes = r.ints('axes', 1, 2, 2);
    if (axes.length !== 2) r.fail(`must be two axes [first, second], each 1 or 2 (counted with the batch axis as 0), got ${axes.length}`, 'axes');
    return { kind: 'dot', axes: [axes[0], axes[1]], normalize: r.bool('normalize') };
  },
  outputShape: (c, inputs, site) => dotGeometry(c, inputs, site).outputShape,
  params: () => ({}),
});
