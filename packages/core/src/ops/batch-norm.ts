/** `batchNorm`: batch normalisation in inference form over the last axis; `layerNorm`: layer normalisation over it or over several trailing axes. */
import type { LayerNormConfig } from '../ir/model.js';
import { fail } from './config-reader.js';
import { defineOp } from './op-spec.js';

export const batchNormOp = defineOp<'batchNorm'>({
  kind: 'batchNorm',
  since: 2,
  arity: [1, 1],
  read: (r) => ({ kind: 'batchNorm', epsilon: r.num('epsilon', 0, 1e6), center: r.bool('center'), scale: r.bool('scale'), ...(r.has('fixed') ? { fixed: r.bool('fixed') } : {}) }),
  outputShape: (_c, [input]) => input,
  params(c, [input]) {
    const channels = [input[input.length - 1] ?? 1];
    return { ...(c.scale ? { gamma: channels } : {}), ...(c.center ? { beta: channels } : {}), movingMean: channels, movingVariance: channels };
  },
  // x / sqrt(variance + epsilon) is infinite or NaN unless variance + epsilon > 0.
  paramValues(c, param, values) {
    if (param !== 'movingVariance') return undefined;
    for (let i = 0; i < values.length; i++) if (!(values[i] + c.epsilon > 0)) return `channel ${i}: variance ${values[i]} plus epsilon ${c.epsilon} is not above 0`;
    return undefined;
  },
});

export const layerNormOp = defineOp<'layerNorm'>({
  kind: 'layerNorm',
  since: 3,
  arity: [1, 1],
  // epsilon above 0: a constant row has variance 0.
  read(r) {
    const config = { kind: 'layerNorm' as const, epsilon: r.num('epsilon', 1e-12, 1e6), center: r.bool('center'), scale: r.bool('scale') };
    return r.has('trailingAxes') ? { ...config, trailingAxes: r.int('trailingAxes', 1, 8) } : config;
  },
  outputShape(c, [input], site) {
    if ((c.trailingAxes ?? 1) > input.length) fail(site.code, site.where, `trailingAxes ${c.trailingAxes} exceeds the rank-${input.length} input (without the batch axis)`);
    return input;
  },
  params(c, [input]) {
    const normalised = input.length === 0 ? [1] : input.slice(-(c.trailingAxes ?? 1));
    return { ...(c.scale ? { gamma: normalised } : {}), ...(c.center ? { beta: normalised } : {}) };
  },
});

/** How many values a `layerNorm` node normalises together (its row): the product of its trailing axes' extents in `shape` (without the batch axis). */
export function layerNormRowSize(shape: readonly number[], config: Pick<LayerNormConfig, 'trailingAxes'>): number {
  return shape.slice(-(config.trailingAxes ?? 1)).reduce((a, b) => a * b, 1);
}
